package io.beamline.ipc.gateway.config;

import io.beamline.ipc.protocol.DefaultSocketPath;
import io.beamline.ipc.protocol.Frame;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every gateway setting with its default and range: the one table that code, --help and
 * docs/CONFIGURATION.md agree on. Precedence: defaults &lt; file &lt; environment &lt; command line.
 */
public final class GatewaySettings {

    public static final Setting<Path> SOCKET_PATH = new Setting<>("ipc.socket_path",
            GatewaySettings::defaultSocketPath,
            "an absolute path of at most 107 bytes", List.of("CGW_IPC_SOCKET_PATH"),
            "Unix socket path; default $XDG_RUNTIME_DIR/beamline/gateway.sock, else /tmp/beamline-gateway.sock",
            Parsers::socketPath);

    public static final Setting<Integer> MAX_CONNECTIONS = Setting.of("ipc.max_connections", "1024",
            "an integer in 1..65536", List.of("CGW_IPC_MAX_CONNECTIONS"),
            "client connections served at once; one more gets an OVERLOADED error frame, then close",
            Parsers.intIn(1, 65_536));

    public static final Setting<Integer> MAX_FRAME_BYTES = Setting.of("ipc.max_frame_bytes",
            Integer.toString(Frame.MAX_FRAME_BYTES), "an integer in 1024.." + Frame.MAX_FRAME_BYTES, List.of(),
            "largest frame accepted, header included", Parsers.intIn(1024, Frame.MAX_FRAME_BYTES));

    public static final Setting<UidAllowList> ALLOWED_UIDS = Setting.of("ipc.allowed_uids", "self,0",
            "a comma-separated list of uids, 'self' or 'any'", List.of(),
            "peer uids let in; others get PERMISSION_DENIED, then close", Parsers::uids);

    public static final Setting<Integer> IO_THREADS = Setting.of("ipc.io_threads", "0",
            "an integer in 0..64 (0 = one per core)", List.of(),
            "Netty event-loop threads serving the socket", Parsers.intIn(0, 64));

    public static final Setting<List<URI>> NATS_URLS = Setting.of("nats.url", "nats://127.0.0.1:4222",
            "a comma-separated list of nats:// or tls:// URLs", List.of("CGW_IPC_NATS_URL"),
            "NATS servers (one URL, or a cluster's seed list)", Parsers::natsUrls);

    public static final Setting<String> ROUTER_SUBJECT = Setting.of("router.subject", "beamline.router.v1.decide",
            "a NATS subject without wildcards", List.of("CGW_IPC_ROUTER_SUBJECT"),
            "subject of the Router's decide service", Parsers::subject);

    public static final Setting<Integer> ROUTER_TIMEOUT_MS = Setting.of("router.timeout_ms", "5000",
            "an integer in 100..300000", List.of("CGW_IPC_TIMEOUT_MS"),
            "default deadline of a Router request, in ms", Parsers.intIn(100, 300_000));

    public static final Setting<Integer> DRAIN_TIMEOUT_MS = Setting.of("shutdown.drain_timeout_ms", "10000",
            "an integer in 0..600000", List.of(),
            "on SIGTERM, how long in-flight requests may take before the gateway exits", Parsers.intIn(0, 600_000));

    public static final Setting<String> LOG_LEVEL = Setting.of("log.level", "info",
            "one of trace, debug, info, warn, error", List.of(), "log level of the gateway's own loggers",
            Parsers::logLevel);

    public static final List<Setting<?>> ALL = List.of(SOCKET_PATH, MAX_CONNECTIONS, MAX_FRAME_BYTES, ALLOWED_UIDS,
            IO_THREADS, NATS_URLS, ROUTER_SUBJECT, ROUTER_TIMEOUT_MS, DRAIN_TIMEOUT_MS, LOG_LEVEL);

    private GatewaySettings() {
    }

    /** The C gateway used /tmp; a per-user runtime directory is private and cleaned at logout. */
    static String defaultSocketPath(Map<String, String> env) {
        return DefaultSocketPath.resolve(env).toString();
    }
}
