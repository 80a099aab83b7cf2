package io.beamline.ipc.gateway;

import ch.qos.logback.classic.Level;
import io.beamline.ipc.gateway.config.ConfigException;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.gateway.config.GatewayConfig;
import io.beamline.ipc.gateway.config.GatewaySettings;
import io.beamline.ipc.gateway.config.Setting;
import io.beamline.ipc.process.ShutdownSignals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ipc-gateway}: parses flags, loads configuration, runs the gateway until SIGTERM or SIGINT. */
@Command(name = "ipc-gateway", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = GatewayMain.Version.class,
        description = "Local IPC gateway between developer tools (Unix socket, protocol v1 and v2) and the Beamline Router.",
        footerHeading = "%nConfiguration:%n",
        footer = {"Precedence: defaults < --config file < environment < flags. Every setting, its",
                "environment name (BEAMLINE_<KEY>, plus the C gateway's CGW_IPC_* names) and range:",
                "see docs/CONFIGURATION.md; --print-config shows the effective values.",
                "",
                "Exit codes: 0 stopped cleanly, 1 could not start, 2 usage or configuration error."})
public final class GatewayMain implements Callable<Integer> {

    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket path (ipc.socket_path)")
    private String socket;

    @Option(names = "--nats", paramLabel = "URL", description = "NATS server URL(s), comma-separated (nats.url)")
    private String nats;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration file")
    private Path configFile;

    @Option(names = "--max-connections", paramLabel = "N", description = "ipc.max_connections")
    private String maxConnections;

    @Option(names = "--max-frame-bytes", paramLabel = "N", description = "ipc.max_frame_bytes")
    private String maxFrameBytes;

    @Option(names = "--allowed-uids", paramLabel = "LIST", description = "ipc.allowed_uids, e.g. self,0,1001")
    private String allowedUids;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "admin.port: loopback port of /metrics and /health (0 = any free port)")
    private String adminPort;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "log.level: trace, debug, info, warn, error")
    private String logLevel;

    @Option(names = "--print-config", description = "print the effective configuration and exit")
    private boolean printConfig;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new GatewayMain()).setExitCodeExceptionMapper(e -> EXIT_USAGE).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        GatewayConfig config;
        ConfigLoader loaded;
        try {
            loaded = ConfigLoader.resolve(configFile, System.getenv(), overrides());
            config = loaded.config();
        } catch (ConfigException e) {
            err.println("ipc-gateway: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (printConfig) {
            loaded.describe().forEach(out::println);
            return 0;
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.beamline")).setLevel(Level.toLevel(config.logLevel()));
        Logger log = LoggerFactory.getLogger(GatewayMain.class);

        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (IOException e) {
            err.println("ipc-gateway: cannot start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        ShutdownSignals.onTerminate(gateway::close);
        out.println("Beamline IPC gateway " + new Version().getVersion()[0] + " listening on " + gateway.socketPath());
        out.println("  try: bin/ipc --socket " + gateway.socketPath() + " ping");
        gateway.adminPort().ifPresent(port ->
                out.println("  admin: http://127.0.0.1:" + port + "/metrics  /health/ready"));
        out.flush();
        gateway.awaitStop();
        log.info("stopped");
        return 0;
    }

    private Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>();
        put(o, GatewaySettings.SOCKET_PATH, socket);
        put(o, GatewaySettings.NATS_URLS, nats);
        put(o, GatewaySettings.MAX_CONNECTIONS, maxConnections);
        put(o, GatewaySettings.MAX_FRAME_BYTES, maxFrameBytes);
        put(o, GatewaySettings.ALLOWED_UIDS, allowedUids);
        put(o, GatewaySettings.ADMIN_PORT, adminPort);
        put(o, GatewaySettings.LOG_LEVEL, logLevel);
        return o;
    }

    private static void put(Map<String, String> o, Setting<?> s, String value) {
        if (value != null) {
            o.put(s.key(), value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GatewayMain.class.getPackage().getImplementationVersion();
            return new String[] {v == null ? "dev" : v};
        }
    }
}
