package io.beamline.ipc.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.ProtocolException;

/** Turns answer frames into typed results, or into the exception the caller should see. */
final class Answers {

    private Answers() {
    }

    /**
     * @return {@code answer} when it has the expected type
     * @throws IpcErrorException    for RESPONSE_ERROR
     * @throws IpcProtocolException for any other type
     */
    static Frame expect(Frame answer, MessageType expected) {
        if (answer.type() == MessageType.RESPONSE_ERROR) {
            throw error(answer);
        }
        if (answer.type() != expected) {
            throw new IpcProtocolException("expected " + expected + " but the gateway answered " + answer);
        }
        return answer;
    }

    static Capabilities capabilities(Frame answer) {
        expect(answer, MessageType.RESPONSE_OK);
        try {
            return Json.read(answer.payload(), Capabilities.class);
        } catch (ProtocolException e) {
            throw new IpcProtocolException("unreadable CAPABILITIES answer: " + e.getMessage(), e);
        }
    }

    static TaskResponse task(Frame answer) {
        return new TaskResponse(object(expect(answer, MessageType.RESPONSE_OK)));
    }

    static IpcErrorException error(Frame answer) {
        ObjectNode root = object(answer);
        JsonNode error = root.get("error");
        if (error == null || !error.isObject() || !error.path("code").isIntegralNumber()) {
            throw new IpcProtocolException("RESPONSE_ERROR without an error object with an integer code: "
                    + answer.payloadAsString());
        }
        ErrorResponse parsed;
        try {
            parsed = Json.mapper().treeToValue(root, ErrorResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IpcProtocolException("unreadable RESPONSE_ERROR payload: " + e.getMessage(), e);
        }
        ErrorBody body = withTableDefaults(parsed.error(), error);
        return new IpcErrorException(new ErrorResponse(false, parsed.taskId(), parsed.traceId(), body), root);
    }

    /** The C gateway sends only code and message; fill in what the code implies, never override. */
    private static ErrorBody withTableDefaults(ErrorBody b, JsonNode sent) {
        ErrorCode known = ErrorCode.fromCode(b.code());
        if (known.code() != b.code()) {
            return b; // fromCode maps unknown codes to INTERNAL; its table says nothing about them
        }
        return new ErrorBody(b.code(),
                sent.has("status") ? b.status() : known.status(),
                b.reason() != null ? b.reason() : known.reason(),
                b.message(),
                sent.has("retryable") ? b.retryable() : known.retryable(),
                b.retryAfterMs(),
                b.details(),
                b.router());
    }

    private static ObjectNode object(Frame answer) {
        try {
            return Json.parseObject(answer.payload());
        } catch (ProtocolException e) {
            throw new IpcProtocolException("unreadable " + answer.type() + " payload: " + e.getMessage(), e);
        }
    }
}
