package io.beamline.ipc.gateway;

import ch.qos.logback.classic.Level;
import io.beamline.ipc.gateway.config.ConfigException;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.gateway.config.ConfigReloader;
import io.beamline.ipc.gateway.config.GatewayConfig;
import io.beamline.ipc.gateway.config.GatewaySettings;
import io.beamline.ipc.gateway.config.LiveConfig;
import io.beamline.ipc.gateway.config.Setting;
import io.beamline.ipc.gateway.observability.ConsoleLines;
import io.beamline.ipc.gateway.observability.LogConfigurator;
import io.beamline.ipc.process.ReloadSignal;
import io.beamline.ipc.process.logging.LogFormat;
import io.beamline.ipc.process.ShutdownSignals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code ipc-gateway}: parses flags, loads configuration, runs the gateway until SIGTERM or SIGINT.
 *
 * <p>The command line is described with picocli's programmatic model rather than its annotations: reading
 * annotations by reflection made the JVM generate a proxy class per annotation type at every start, ~130 ms
 * of the 0.5 s budget to "listening" (docs/PERFORMANCE.md, issue 10). The options and help are the same.
 */
public final class GatewayMain {

    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** Each option: its flag, its value's label, and the setting it overrides (null: not a setting). */
    private record Flag(String name, String label, Setting<?> setting, String description) {
    }

    private static final List<Flag> FLAGS = List.of(
            new Flag("--socket", "PATH", GatewaySettings.SOCKET_PATH, "Unix socket path (ipc.socket_path)"),
            new Flag("--nats", "URL", GatewaySettings.NATS_URLS, "NATS server URL(s), comma-separated (nats.url)"),
            new Flag("--config", "FILE", null, "YAML or JSON configuration file"),
            new Flag("--max-connections", "N", GatewaySettings.MAX_CONNECTIONS, "ipc.max_connections"),
            new Flag("--max-frame-bytes", "N", GatewaySettings.MAX_FRAME_BYTES, "ipc.max_frame_bytes"),
            new Flag("--allowed-uids", "LIST", GatewaySettings.ALLOWED_UIDS, "ipc.allowed_uids, e.g. self,0,1001"),
            new Flag("--admin-port", "PORT", GatewaySettings.ADMIN_PORT,
                    "admin.port: loopback port of /metrics and /health (0 = any free port)"),
            new Flag("--log-level", "LEVEL", GatewaySettings.LOG_LEVEL, "log.level: trace, debug, info, warn, error"),
            new Flag("--log-format", "FORMAT", GatewaySettings.LOG_FORMAT, "log.format: text or json"));
    private static final String PRINT_CONFIG = "--print-config";

    private final CommandLine commandLine = new CommandLine(spec()).setExitCodeExceptionMapper(e -> EXIT_USAGE);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        GatewayMain main = new GatewayMain();
        return main.commandLine.setExecutionStrategy(main::execute).execute(args);
    }

    private static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("ipc-gateway").version(Version.get());
        spec.usageMessage().sortOptions(false)
                .description("Local IPC gateway between developer tools (Unix socket, protocol v1 and v2) and the "
                        + "Beamline Router.")
                .footerHeading("%nConfiguration:%n")
                .footer("Precedence: defaults < --config file < environment < flags. Every setting, its",
                        "environment name (BEAMLINE_<KEY>, plus the C gateway's CGW_IPC_* names) and range:",
                        "see docs/CONFIGURATION.md; --print-config shows the effective values.",
                        "",
                        "Exit codes: 0 stopped cleanly, 1 could not start, 2 usage or configuration error.");
        for (Flag f : FLAGS) {
            spec.addOption(OptionSpec.builder(f.name()).paramLabel(f.label()).type(f.setting() == null ? Path.class
                    : String.class).description(f.description()).build());
        }
        spec.addOption(OptionSpec.builder(PRINT_CONFIG).description("print the effective configuration and exit")
                .build());
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    private int execute(ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        try {
            return call(parsed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandLine.ExecutionException(commandLine, "ipc-gateway interrupted", e);
        }
    }

    private int call(ParseResult parsed) throws InterruptedException {
        PrintWriter err = commandLine.getErr();
        PrintWriter out = commandLine.getOut();
        GatewayConfig config;
        ConfigLoader loaded;
        LogFormat format;
        try {
            loaded = ConfigLoader.resolve(parsed.matchedOptionValue("--config", null), System.getenv(),
                    overrides(parsed));
            config = loaded.config();
            format = loaded.get(GatewaySettings.LOG_FORMAT);
        } catch (ConfigException e) {
            err.println("ipc-gateway: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (parsed.hasMatchedOption(PRINT_CONFIG)) {
            loaded.describe().forEach(out::println);
            return 0;
        }
        LogConfigurator.use(format); // before the first line is logged
        ConsoleLines console = new ConsoleLines(format, GatewayMain.class);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.beamline")).setLevel(Level.toLevel(config.logLevel()));
        Logger log = LoggerFactory.getLogger(GatewayMain.class);

        Gateway gateway;
        LiveConfig live = new LiveConfig(config, loaded.shown());
        try {
            gateway = Gateway.start(live);
        } catch (IOException e) {
            console.println(err, "ERROR", "ipc-gateway: cannot start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        ShutdownSignals.onTerminate(gateway::close);
        onHangupReload(live, loaded, parsed, log);
        console.println(out, "INFO", "Beamline IPC gateway " + Version.get() + " listening on " + gateway.socketPath());
        console.println(out, "INFO", "  try: bin/ipc --socket " + gateway.socketPath() + " ping");
        gateway.adminPort().ifPresent(port ->
                console.println(out, "INFO", "  admin: http://127.0.0.1:" + port + "/metrics  /health/ready"));
        out.flush();
        gateway.awaitStop();
        log.info("stopped");
        return 0;
    }

    /**
     * SIGHUP reads the same sources again (the file; this process's environment and flags do not change) and
     * applies what may change without a restart (docs/operations/reload.md).
     */
    private static void onHangupReload(LiveConfig live, ConfigLoader loaded, ParseResult parsed, Logger log) {
        Path file = parsed.matchedOptionValue("--config", null);
        Map<String, String> env = System.getenv();
        Map<String, String> flags = overrides(parsed);
        ConfigReloader reloader = new ConfigReloader(live, loaded, () -> ConfigLoader.resolve(file, env, flags),
                applied -> ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.beamline"))
                        .setLevel(Level.toLevel(applied.logLevel())));
        try {
            if (!ReloadSignal.onHangup(reloader::requestReload)) {
                // bin/ipc-gateway restores SIGHUP's default first; a JVM started some other way may still get here.
                log.warn("SIGHUP is ignored by this process (started under nohup?) and the JVM leaves it so:"
                        + " configuration reload by SIGHUP is off");
            }
        } catch (IllegalArgumentException e) { // e.g. a JVM run with -Xrs
            log.warn("SIGHUP cannot be handled ({}); configuration reload is off", e.getMessage());
        }
    }

    /** The flags given that stand for settings, by setting key: they win over file and environment. */
    private static Map<String, String> overrides(ParseResult parsed) {
        Map<String, String> o = new LinkedHashMap<>();
        for (Flag f : FLAGS) {
            if (f.setting() == null) { // --config: a file, read by ConfigLoader
                continue;
            }
            String value = parsed.matchedOptionValue(f.name(), null);
            if (value != null) {
                o.put(f.setting().key(), value);
            }
        }
        return o;
    }

    static final class Version {
        static String get() {
            String v = GatewayMain.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
