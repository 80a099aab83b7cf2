package io.beamline.ipc.gateway.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;

/**
 * How a request was answered, read back from its answer frame: {@code ok}, or the error's code and reason.
 *
 * @param code the IPC error code (0 for ok)
 */
record AnswerOutcome(boolean ok, int code, String reason, String taskId) {

    static AnswerOutcome of(Frame answer) {
        if (answer.type() != MessageType.RESPONSE_ERROR) {
            return new AnswerOutcome(true, ErrorCode.OK.code(), ErrorCode.OK.reason(), null);
        }
        try {
            JsonNode response = Json.parseObject(answer.payload());
            JsonNode error = response.path("error");
            return new AnswerOutcome(false, error.path("code").asInt(ErrorCode.INTERNAL.code()),
                    error.path("reason").asText(ErrorCode.INTERNAL.reason()),
                    response.hasNonNull("task_id") ? response.get("task_id").asText() : null);
        } catch (RuntimeException e) {
            return new AnswerOutcome(false, ErrorCode.INTERNAL.code(), ErrorCode.INTERNAL.reason(), null);
        }
    }
}
