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
        description = {"Submit a task (TASK_SUBMIT) and print the gateway's answer.",
                "With --stream, ask for the task's output as it is produced and print it as it arrives: the "
                        + "output alone on stdout (text as is, binary chunks decoded), on stderr the answer's "
                        + "summary first and last a status line 'stream status=S chunks=N bytes=N task_id=T "
                        + "trace_id=X'. Exit 0 when the stream completes, 1 when it ends with an error "
                        + "(status error, cancelled, timeout, gap or overflow). Ctrl-C cancels the task "
                        + "(TASK_CANCEL), reports how the stream ended and exits 130."})
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

    @Option(names = "--stream", description = "Stream the task's output as it is produced (see above).")
    boolean stream;

    @Override
    public Integer call() {
        ObjectNode request = Json.mapper().createObjectNode().put("task_type", type);
        request.set("payload", payload);
        putIfGiven(request, "tenant_id", tenant);
        putIfGiven(request, "policy_id", policy);
        putIfGiven(request, "task_id", taskId);
        if (stream) {
            return ipc.gatewayCall(spec).runStream(client -> client.submitStream(request), true);
        }
        return ipc.gatewayCall(spec).run(client -> client.submit(request), TaskOutput.INSTANCE);
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
