package io.beamline.ipc.gateway.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskService;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.SubmitPayload;
import java.nio.charset.StandardCharsets;
import io.beamline.ipc.protocol.TaskRef;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A task service whose answers the test completes by hand, in any order, or never: completing a submit's
 * {@code future} with a JSON object answers it with that RESPONSE_OK payload; the connection going away
 * cancels it.
 */
final class ControllableTasks implements TaskService {

    record Pending(ObjectNode payload, CompletableFuture<JsonNode> future) {
    }

    final List<Pending> submitted = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        submitted.add(new Pending(tree(payload), f));
        CompletableFuture<TaskAnswer> answer = f.thenApply(json -> new TaskAnswer.Ok((ObjectNode) json));
        answer.whenComplete((a, e) -> {
            if (e instanceof CancellationException) {
                f.cancel(false);
            }
        });
        return answer;
    }

    @Override
    public CompletableFuture<TaskAnswer> query(TaskRef task) {
        return notServed();
    }

    @Override
    public CompletableFuture<TaskAnswer> cancel(TaskRef task) {
        return notServed();
    }

    @Override
    public CompletableFuture<TaskAnswer> subscribe(ObjectNode payload, Caller caller) {
        return notServed();
    }

    /** The submit as the service got it, members the gateway added included. */
    private static ObjectNode tree(SubmitPayload payload) {
        ObjectNode tree = Json.mapper().createObjectNode();
        for (SubmitPayload.Field f : payload.fields()) {
            if (f.start() < 0) {
                tree.put(f.name(), f.text());
            } else {
                tree.set(f.name(), Json.parseObject(("{\"v\":" + new String(payload.bytes(), f.start(), f.length(),
                        StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8)).get("v"));
            }
        }
        return tree;
    }

    private static CompletableFuture<TaskAnswer> notServed() {
        return CompletableFuture.completedFuture(
                new TaskAnswer.Error(ErrorResponse.of(ErrorCode.NOT_IMPLEMENTED, "not served by this test")));
    }
}
