package io.beamline.ipc.client.cli;

import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.TaskResponse;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a task (TASK_CANCEL).")
final class CancelCommand extends TaskIdCommand {

    @Override
    CompletableFuture<TaskResponse> send(IpcClient client, String taskId) {
        return client.cancel(taskId);
    }
}
