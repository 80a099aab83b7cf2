package io.beamline.ipc.client.cli;

import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.TaskResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command about one task, named by its id: what query and cancel share (picocli reads inherited fields). */
abstract class TaskIdCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The task id.")
    String taskId;

    /** The request this command sends for {@link #taskId}. */
    abstract CompletableFuture<TaskResponse> send(IpcClient client, String taskId);

    @Override
    public Integer call() {
        return ipc.gatewayCall(spec).run(client -> send(client, taskId), TaskOutput.INSTANCE);
    }
}
