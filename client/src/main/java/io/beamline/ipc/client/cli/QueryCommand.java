package io.beamline.ipc.client.cli;

import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.TaskResponse;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;

@Command(name = "query", mixinStandardHelpOptions = true, description = "Show a task's state (TASK_QUERY).")
final class QueryCommand extends TaskIdCommand {

    @Override
    CompletableFuture<TaskResponse> send(IpcClient client, String taskId) {
        return client.query(taskId);
    }
}
