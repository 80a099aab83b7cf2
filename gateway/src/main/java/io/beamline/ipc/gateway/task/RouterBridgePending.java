package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.TaskRef;
import java.util.concurrent.CompletableFuture;

/**
 * The task service until the Router bridge lands: a documented NOT_IMPLEMENTED error, never a made-up
 * decision (the C gateway's stub answered with a fixed one, which hid that nothing reached the Router).
 */
public final class RouterBridgePending implements TaskService {

    static final String REASON = "router_bridge_pending";

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public CompletableFuture<JsonNode> submit(ObjectNode payload) {
        return fail("TASK_SUBMIT");
    }

    @Override
    public CompletableFuture<JsonNode> query(TaskRef task) {
        return fail("TASK_QUERY");
    }

    @Override
    public CompletableFuture<JsonNode> cancel(TaskRef task) {
        return fail("TASK_CANCEL");
    }

    private static CompletableFuture<JsonNode> fail(String type) {
        return CompletableFuture.failedFuture(new TaskFailure(ErrorResponse.of(ErrorBody.of(ErrorCode.NOT_IMPLEMENTED,
                REASON, type + " is not served yet: this gateway build has no Router bridge"))));
    }
}
