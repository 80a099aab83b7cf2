package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import java.io.PrintWriter;
import java.util.StringJoiner;

/** Output of the task commands (submit, query, cancel): a summary line, then the answer as pretty JSON. */
final class TaskOutput implements GatewayCall.Output<TaskResponse> {

    static final TaskOutput INSTANCE = new TaskOutput();

    @Override
    public void human(TaskResponse r, PrintWriter out) {
        StringJoiner line = new StringJoiner(" ").add("OK");
        r.taskId().ifPresent(v -> line.add("task_id=" + v));
        r.status().ifPresent(v -> line.add("status=" + v));
        r.traceId().ifPresent(v -> line.add("trace_id=" + v));
        out.println(line);
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree cannot be written back", e);
        }
    }

    @Override
    public JsonNode json(TaskResponse r) {
        return r.body();
    }
}
