package io.beamline.ipc.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true, description = "Show a task's state (TASK_QUERY).")
final class QueryCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task id.")
    String taskId;

    @Override
    public Integer call() {
        return ipc.gatewayCall(spec).run(client -> client.query(taskId), TaskOutput.INSTANCE);
    }
}
