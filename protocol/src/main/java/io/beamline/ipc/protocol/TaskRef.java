package io.beamline.ipc.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Payload of TASK_QUERY and TASK_CANCEL: {@code {"task_id": "…"}}; the legacy {@code "command"} field
 * that existing clients send is accepted and ignored (the frame type already says what is asked).
 */
public record TaskRef(String taskId) {

    /** Task ids are opaque, bounded like the Router's request_id. */
    public static final int MAX_TASK_ID_LENGTH = 128;

    public TaskRef {
        if (taskId == null || taskId.isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "task_id is required and must be a non-empty string");
        }
        if (taskId.length() > MAX_TASK_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD,
                    "task_id is longer than " + MAX_TASK_ID_LENGTH + " characters");
        }
    }

    public static TaskRef from(ObjectNode payload) {
        JsonNode id = payload.get("task_id");
        return new TaskRef(id != null && id.isTextual() ? id.asText() : null);
    }
}
