package io.beamline.ipc.bench.load;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --json FILE} and the facts for its {@code machine} object that only the launcher knows (a picocli
 * mixin): bench/run-gateway-bench.sh passes them; run by hand they may be left out and are then null.
 */
public final class ReportOptions {

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON (machine and runs)")
    Path json;

    @Option(names = "--nats-server-version", paramLabel = "TEXT", description = "for the JSON: the NATS server's")
    String natsServerVersion;

    @Option(names = "--git-commit", paramLabel = "HASH", description = "for the JSON: the commit measured")
    String gitCommit;

    @Option(names = "--git-dirty", arity = "1", paramLabel = "true|false",
            description = "for the JSON: whether the work tree had changes")
    Boolean gitDirty;

    @Option(names = "--command-line", paramLabel = "TEXT", description = "for the JSON: the command as typed")
    String commandLine;

    /** Where to write the JSON, or null for none. */
    public Path json() {
        return json;
    }
}
