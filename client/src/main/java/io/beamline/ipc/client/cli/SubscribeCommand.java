package io.beamline.ipc.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = {"Follow the output of a streamed task you submitted, from any connection (STREAM_SUBSCRIBE): "
                + "the chunks from --from-seq that the gateway still holds, then the live ones, printed as by "
                + "'submit --stream' (output on stdout, status line last on stderr; exit 0 complete, 1 error).",
                "Ctrl-C leaves the stream and exits 130; the task goes on ('ipc cancel ID' stops it)."})
final class SubscribeCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task id.")
    String taskId;

    @Option(names = "--from-seq", paramLabel = "N",
            description = "First chunk wanted (default: 1). Chunks the gateway no longer holds are an error "
                    + "(replay_unavailable) naming the oldest it holds.")
    Long fromSeq;

    @Override
    public Integer call() {
        if (fromSeq != null && fromSeq < 1) {
            throw new ParameterException(spec.commandLine(), "--from-seq must be at least 1, was " + fromSeq);
        }
        long from = fromSeq == null ? 0 : fromSeq;
        return ipc.gatewayCall(spec).runStream(client -> client.subscribe(taskId, from), false);
    }
}
