package io.beamline.ipc.router;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipc-router}: the reference Router. Its decide service arrives with the next issue; until then it
 * says so and exits with code 3, so that nothing mistakes it for a running Router.
 */
@Command(name = "ipc-router", mixinStandardHelpOptions = true, version = "ipc-router (not yet implemented)",
        description = "Reference Beamline Router: serves beamline.router.v1.decide over NATS. Not implemented yet.",
        footer = {"", "Exit codes: 3 not implemented yet, 2 usage error."})
public final class RouterMain implements Callable<Integer> {

    static final int EXIT_NOT_IMPLEMENTED = 3;

    @Option(names = "--nats", paramLabel = "URL", description = "NATS server URL")
    String nats;

    @Option(names = "--policies", paramLabel = "DIR", description = "directory of policy files")
    String policies;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RouterMain()).execute(args));
    }

    @Override
    public Integer call() {
        System.err.println("ipc-router: not yet: the reference Router's decide service is not implemented in this build");
        return EXIT_NOT_IMPLEMENTED;
    }
}
