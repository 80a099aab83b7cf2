package io.beamline.ipc.gateway.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.TaskService;
import io.beamline.ipc.protocol.TaskRef;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A task service whose answers the test completes by hand, in any order, or never. */
final class ControllableTasks implements TaskService {

    record Pending(ObjectNode payload, CompletableFuture<JsonNode> future) {
    }

    final List<Pending> submitted = new CopyOnWriteArrayList<>();

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public CompletableFuture<JsonNode> submit(ObjectNode payload, Caller caller) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        submitted.add(new Pending(payload, f));
        return f;
    }

    @Override
    public CompletableFuture<JsonNode> query(TaskRef task) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public CompletableFuture<JsonNode> cancel(TaskRef task) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
}
