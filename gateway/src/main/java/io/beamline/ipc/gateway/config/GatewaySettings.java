package io.beamline.ipc.gateway.config;

import io.beamline.ipc.protocol.DefaultSocketPath;
import io.beamline.ipc.protocol.Frame;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    public static final Setting<Integer> NATS_POOL_SIZE = Setting.of("nats.pool_size", "2", "an integer in 1..16",
            List.of(), "NATS connections; requests are spread over the connected ones", Parsers.intIn(1, 16));

    public static final Setting<Optional<String>> NATS_USER = Setting.of("nats.user", "", "a user name, or empty",
            List.of(), "user for user/password authentication", Parsers::optionalText);

    public static final Setting<Optional<String>> NATS_PASSWORD = Setting.of("nats.password", "",
            "a password, or empty", List.of(), "password for user/password authentication (never printed)",
            Parsers::optionalText);

    public static final Setting<Optional<String>> NATS_TOKEN = Setting.of("nats.token", "", "a token, or empty",
            List.of(), "token authentication (never printed)", Parsers::optionalText);

    public static final Setting<Optional<Path>> NATS_CREDS_FILE = Setting.of("nats.creds_file", "",
            "a readable file, or empty", List.of(), "NATS credentials file (JWT + NKey seed)", Parsers::readableFile);

    public static final Setting<Optional<Path>> NATS_TLS_TRUSTSTORE = Setting.of("nats.tls.truststore_path", "",
            "a readable keystore file, or empty", List.of(),
            "trust store for tls:// servers; empty = the JVM's default trust", Parsers::readableFile);

    public static final Setting<Optional<String>> NATS_TLS_TRUSTSTORE_PASSWORD = Setting.of(
            "nats.tls.truststore_password", "", "a password, or empty", List.of(),
            "trust store password (never printed)", Parsers::optionalText);

    public static final Setting<Optional<Path>> NATS_TLS_KEYSTORE = Setting.of("nats.tls.keystore_path", "",
            "a readable keystore file, or empty", List.of(), "client certificate and key for mutual TLS",
            Parsers::readableFile);

    public static final Setting<Optional<String>> NATS_TLS_KEYSTORE_PASSWORD = Setting.of(
            "nats.tls.keystore_password", "", "a password, or empty", List.of(),
            "key store password (never printed)", Parsers::optionalText);

    public static final Setting<Integer> NATS_RECONNECT_WAIT_MS = Setting.of("nats.reconnect_wait_ms", "1000",
            "an integer in 10..60000", List.of(), "pause between reconnect attempts to the same server",
            Parsers.intIn(10, 60_000));

    public static final Setting<Integer> NATS_RECONNECT_JITTER_MS = Setting.of("nats.reconnect_jitter_ms", "250",
            "an integer in 0..60000", List.of(), "random extra pause added to each reconnect wait",
            Parsers.intIn(0, 60_000));

    public static final Setting<String> ROUTER_SUBJECT = Setting.of("router.subject", "beamline.router.v1.decide",
            "a NATS subject without wildcards", List.of("CGW_IPC_ROUTER_SUBJECT"),
            "subject of the Router's decide service", Parsers::subject);

    public static final Setting<Integer> ROUTER_TIMEOUT_MS = Setting.of("router.timeout_ms", "5000",
            "an integer in 100..300000", List.of("CGW_IPC_TIMEOUT_MS"),
            "default deadline of a Router request, in ms", Parsers.intIn(100, 300_000));

    public static final Setting<Integer> ROUTER_MAX_TIMEOUT_MS = Setting.of("router.max_timeout_ms", "30000",
            "an integer in 100..300000, at least router.timeout_ms", List.of(),
            "cap on a client's deadline_ms", Parsers.intIn(100, 300_000));

    public static final Setting<String> ROUTER_DEFAULT_TENANT = Setting.of("router.default_tenant", "default_tenant",
            "1..128 characters", List.of(), "tenant_id of a submit that names none",
            Parsers.textOfLength(1, 128));

    public static final Setting<Map<Integer, String>> ROUTER_TENANT_BY_UID = Setting.of("router.tenant_by_uid", "",
            "comma-separated uid=tenant pairs, or empty", List.of(),
            "tenant of a submit that names none, by the caller's uid (else router.default_tenant)",
            Parsers::tenantsByUid);

    public static final Setting<String> ROUTER_DEFAULT_POLICY = Setting.of("router.default_policy", "default",
            "1..128 characters", List.of(), "policy_id of a submit that names none", Parsers.textOfLength(1, 128));

    public static final Setting<String> ROUTER_GET_DECISION_SUBJECT = Setting.of("router.get_decision_subject",
            "beamline.router.v1.get_decision", "a NATS subject without wildcards", List.of(),
            "subject asked by TASK_QUERY for a task this gateway does not know", Parsers::subject);

    public static final Setting<String> ROUTER_CANCEL_SUBJECT = Setting.of("router.cancel_subject",
            "beamline.router.v1.cancel", "a NATS subject without wildcards", List.of(),
            "subject of the cancel notice TASK_CANCEL publishes", Parsers::subject);

    public static final Setting<Integer> TASKS_REGISTRY_SIZE = Setting.of("tasks.registry_size", "10000",
            "an integer in 16..1000000", List.of(),
            "tasks remembered for TASK_QUERY/TASK_CANCEL; the oldest finished ones are forgotten first",
            Parsers.intIn(16, 1_000_000));

    public static final Setting<Integer> TASKS_TTL_MS = Setting.of("tasks.ttl_ms", "600000",
            "an integer in 1000..86400000", List.of(), "how long a finished task is remembered",
            Parsers.intIn(1000, 86_400_000));

    public static final Setting<Integer> DRAIN_TIMEOUT_MS = Setting.of("shutdown.drain_timeout_ms", "10000",
            "an integer in 0..600000", List.of(),
            "on SIGTERM, how long in-flight requests may take before the gateway exits", Parsers.intIn(0, 600_000));

    public static final Setting<Boolean> ADMIN_ENABLED = Setting.of("admin.enabled", "true",
            "true or false", List.of(), "serve /metrics and /health on 127.0.0.1:admin.port", Parsers::bool);

    public static final Setting<Integer> ADMIN_PORT = Setting.of("admin.port", "9477",
            "an integer in 0..65535 (0 = any free port, printed at start)", List.of(),
            "loopback port of the admin endpoint", Parsers.intIn(0, 65_535));

    public static final Setting<String> LOG_LEVEL = Setting.of("log.level", "info",
            "one of trace, debug, info, warn, error", List.of(), "log level of the gateway's own loggers",
            Parsers::logLevel);

    public static final List<Setting<?>> ALL = List.of(SOCKET_PATH, MAX_CONNECTIONS, MAX_FRAME_BYTES, ALLOWED_UIDS,
            IO_THREADS, NATS_URLS, NATS_POOL_SIZE, NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_CREDS_FILE,
            NATS_TLS_TRUSTSTORE, NATS_TLS_TRUSTSTORE_PASSWORD, NATS_TLS_KEYSTORE, NATS_TLS_KEYSTORE_PASSWORD,
            NATS_RECONNECT_WAIT_MS, NATS_RECONNECT_JITTER_MS, ROUTER_SUBJECT, ROUTER_TIMEOUT_MS,
            ROUTER_MAX_TIMEOUT_MS, ROUTER_DEFAULT_TENANT, ROUTER_TENANT_BY_UID, ROUTER_DEFAULT_POLICY, ROUTER_GET_DECISION_SUBJECT,
            ROUTER_CANCEL_SUBJECT, TASKS_REGISTRY_SIZE, TASKS_TTL_MS, DRAIN_TIMEOUT_MS, ADMIN_ENABLED, ADMIN_PORT, LOG_LEVEL);

    private GatewaySettings() {
    }

    /** The C gateway used /tmp; a per-user runtime directory is private and cleaned at logout. */
    static String defaultSocketPath(Map<String, String> env) {
        return DefaultSocketPath.resolve(env).toString();
    }
}
