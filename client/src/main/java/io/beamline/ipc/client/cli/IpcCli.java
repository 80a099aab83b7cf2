package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClientOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ipc} command: talks to the Beamline IPC gateway from a shell.
 *
 * <p>Exit codes (see {@link ExitCodes}): 0 success; 1 the gateway answered with an error, or a stream ended
 * with one; 2 usage error (including a {@code --payload} that is not a JSON object); 3 could not connect or
 * connection lost; 4 no answer within {@code --timeout}; 5 the answer broke the protocol, or an internal
 * error; 6 ({@code status}) the admin endpoint is off or did not answer; 130 interrupted (Ctrl-C) while
 * streaming.
 */
@Command(name = "ipc",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Talks to the Beamline IPC gateway over its Unix socket (protocol v2 when the gateway "
                + "offers it, else v1; see --protocol).",
        subcommands = {PingCommand.class, CapsCommand.class, SubmitCommand.class, SubscribeCommand.class,
                QueryCommand.class, CancelCommand.class, StatusCommand.class})
public final class IpcCli implements Callable<Integer> {

    static final long DEFAULT_TIMEOUT_MS = 30_000;

    @Spec
    CommandSpec spec;

    // Global options are inherited so they work before or after the subcommand. No picocli defaultValue:
    // null means "not given", resolved in gatewayCall().
    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "Gateway socket. Default: $" + SocketPaths.ENV + ", else $" + SocketPaths.LEGACY_ENV
                    + ", else $XDG_RUNTIME_DIR/beamline/gateway.sock, else " + SocketPaths.FALLBACK + ".")
    Path socket;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the gateway's answer as JSON on one line, for scripts; a stream as one JSON "
                    + "object per line (the answer, each chunk, the end).")
    boolean json;

    @Option(names = "--timeout", paramLabel = "MS", scope = ScopeType.INHERIT,
            description = "Milliseconds to wait for the connection and for the answer (default: "
                    + DEFAULT_TIMEOUT_MS + "). A stream after its answer has no deadline.")
    Long timeoutMillis;

    @Option(names = "--protocol", paramLabel = "1|2|auto", scope = ScopeType.INHERIT,
            description = "Protocol version to speak. auto (default): ask the gateway (CAPABILITIES) and use v2 "
                    + "when it offers it, else v1. 1 or 2: speak that version without asking.")
    String protocol;

    private final Map<String, String> env;
    private final OutputStream rawOut;
    private final Interrupts interrupts;

    IpcCli(Map<String, String> env, OutputStream rawOut, Interrupts interrupts) {
        this.env = env;
        this.rawOut = rawOut;
        this.interrupts = interrupts;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.in, System.getenv()).execute(args));
    }

    /**
     * The configured command line; {@code stdin} feeds {@code --payload @-}, {@code env} the defaults. A
     * stream's output goes to file descriptor 1 unbuffered (System.out would hide a closed pipe), and Ctrl-C
     * is heard as SIGINT.
     */
    public static CommandLine commandLine(InputStream stdin, Map<String, String> env) {
        return commandLine(stdin, env, new FileOutputStream(FileDescriptor.out), Interrupts.sigint());
    }

    /** For tests: where a stream's bytes go, and where interrupts come from. */
    static CommandLine commandLine(InputStream stdin, Map<String, String> env, OutputStream rawOut, Interrupts interrupts) {
        CommandLine cli = new CommandLine(new IpcCli(Map.copyOf(env), rawOut, interrupts));
        cli.registerConverter(ObjectNode.class, new PayloadConverter(stdin));
        cli.setExpandAtFiles(false); // picocli would expand --payload @file into arguments itself
        cli.setParameterExceptionHandler(new UsageErrorHandler());
        configure(cli);
        return cli;
    }

    /** Same exit-code table and unexpected-failure code on every command. */
    private static void configure(CommandLine cmd) {
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.descriptions());
        cmd.getCommandSpec().exitCodeOnExecutionException(ExitCodes.PROTOCOL);
        cmd.getSubcommands().values().forEach(IpcCli::configure);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The runner for a subcommand, with the global options resolved. */
    GatewayCall gatewayCall(CommandSpec command) {
        long ms = timeoutMillis == null ? DEFAULT_TIMEOUT_MS : timeoutMillis;
        if (ms <= 0) {
            throw new ParameterException(command.commandLine(), "--timeout must be a positive number of ms, was " + ms);
        }
        Path path = socket != null ? socket : SocketPaths.resolve(env);
        CommandLine root = spec.commandLine();
        return new GatewayCall(path, Duration.ofMillis(ms), protocolVersion(command), json, root.getOut(), root.getErr(),
                rawOut, interrupts);
    }

    private int protocolVersion(CommandSpec command) {
        return switch (protocol == null ? "auto" : protocol) {
            case "auto" -> IpcClientOptions.NEGOTIATE;
            case "1" -> 1;
            case "2" -> 2;
            default -> throw new ParameterException(command.commandLine(),
                    "--protocol must be 1, 2 or auto, was '" + protocol + "'");
        };
    }
}
