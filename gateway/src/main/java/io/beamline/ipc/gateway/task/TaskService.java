package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.TaskRef;
import java.util.concurrent.CompletableFuture;

/**
 * Submit, query and cancel of tasks. Each call answers with the RESPONSE_OK payload, or fails with a
 * {@link TaskFailure}. Cancelling the returned future means the client no longer waits (it went away).
 */
public interface TaskService {

    /** Whether TASK_* requests are served (reported in CAPABILITIES). */
    boolean available();

    CompletableFuture<JsonNode> submit(ObjectNode payload, Caller caller);

    CompletableFuture<JsonNode> query(TaskRef task);

    CompletableFuture<JsonNode> cancel(TaskRef task);
}
