package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a task (TASK_SUBMIT) and print the gateway's answer.")
final class SubmitCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Task type, e.g. code_completion.")
    String type;

    @Option(names = "--payload", required = true, paramLabel = "JSON|@FILE|@-",
            description = "The task's input: a JSON object inline, read from FILE, or from stdin (@-).")
    ObjectNode payload;

    @Option(names = "--tenant", paramLabel = "ID", description = "Tenant id.")
    String tenant;

    @Option(names = "--policy", paramLabel = "ID", description = "Routing policy id.")
    String policy;

    @Option(names = "--task-id", paramLabel = "ID", description = "Task id to use instead of one the gateway picks.")
    String taskId;

    @Override
    public Integer call() {
        ObjectNode request = Json.mapper().createObjectNode().put("task_type", type);
        request.set("payload", payload);
        putIfGiven(request, "tenant_id", tenant);
        putIfGiven(request, "policy_id", policy);
        putIfGiven(request, "task_id", taskId);
        return ipc.gatewayCall(spec).run(client -> client.submit(request), TaskOutput.INSTANCE);
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
