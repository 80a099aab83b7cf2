package io.beamline.ipc.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a task (TASK_CANCEL).")
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task id.")
    String taskId;

    @Override
    public Integer call() {
        return ipc.gatewayCall(spec).run(client -> client.cancel(taskId), TaskOutput.INSTANCE);
    }
}
