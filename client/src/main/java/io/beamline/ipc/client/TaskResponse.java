package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The RESPONSE_OK answer to TASK_SUBMIT, TASK_QUERY or TASK_CANCEL. The gateway's task answers are still
 * being designed, so this is a thin view: {@link #body()} is the whole JSON object as received, and the
 * accessors read the few fields that are already settled, each optional.
 */
public record TaskResponse(ObjectNode body) {

    public TaskResponse {
        Objects.requireNonNull(body, "body");
    }

    public Optional<String> taskId() {
        return text("task_id");
    }

    public Optional<String> traceId() {
        return text("trace_id");
    }

    public Optional<String> status() {
        return text("status");
    }

    /** The Router's decision, in whatever shape the gateway passed it on. */
    public Optional<JsonNode> decision() {
        JsonNode v = body.get("decision");
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    /** A scalar field as text; absent, null and non-scalar values give empty. */
    private Optional<String> text(String field) {
        JsonNode v = body.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? Optional.of(v.asText()) : Optional.empty();
    }
}
