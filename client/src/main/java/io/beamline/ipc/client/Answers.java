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
import java.util.Base64;

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
        ErrorResponse parsed = errorResponse(root, "RESPONSE_ERROR", answer);
        return new IpcErrorException(parsed, root);
    }

    /**
     * A STREAM_DATA payload: {@code {"task_id","seq","data"|"data_base64"}}.
     *
     * @throws IpcProtocolException when it is not one
     */
    static StreamChunk chunk(Frame frame) {
        ObjectNode root = object(frame);
        JsonNode seq = root.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 1) {
            throw new IpcProtocolException("STREAM_DATA without a positive integer seq: " + abbreviated(frame));
        }
        JsonNode taskId = root.get("task_id");
        String task = taskId != null && taskId.isTextual() ? taskId.asText() : null;
        JsonNode text = root.get("data");
        JsonNode base64 = root.get("data_base64");
        if (text != null && text.isTextual() && base64 == null) {
            return StreamChunk.ofText(task, seq.asLong(), text.asText());
        }
        if (base64 != null && base64.isTextual() && text == null) {
            try {
                return StreamChunk.ofBytes(task, seq.asLong(), Base64.getDecoder().decode(base64.asText()));
            } catch (IllegalArgumentException e) {
                throw new IpcProtocolException("STREAM_DATA with data_base64 that is not base64: " + e.getMessage(), e);
            }
        }
        throw new IpcProtocolException("STREAM_DATA without exactly one of data and data_base64 as a string: "
                + abbreviated(frame));
    }

    /**
     * A STREAM_COMPLETE or STREAM_ERROR payload.
     *
     * @throws IpcProtocolException when it is not one
     */
    static StreamEnd end(Frame frame) {
        ObjectNode root = object(frame);
        JsonNode status = root.get("status");
        JsonNode chunks = root.get("chunks");
        JsonNode bytes = root.get("bytes");
        if (status == null || !status.isTextual() || !isCount(chunks) || !isCount(bytes)) {
            throw new IpcProtocolException(frame.type() + " without a status and integer chunks and bytes: "
                    + abbreviated(frame));
        }
        ErrorBody error = null;
        if (frame.type() == MessageType.STREAM_ERROR) {
            error = errorResponse(root, "STREAM_ERROR", frame).error();
        }
        return new StreamEnd(root, status.asText(), chunks.asLong(), bytes.asLong(), error);
    }

    private static boolean isCount(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    /** The {@code error} object and its task and trace ids, with the table's defaults filled in. */
    private static ErrorResponse errorResponse(ObjectNode root, String what, Frame frame) {
        JsonNode error = root.get("error");
        if (error == null || !error.isObject() || !error.path("code").isIntegralNumber()) {
            throw new IpcProtocolException(what + " without an error object with an integer code: "
                    + frame.payloadAsString());
        }
        ErrorResponse parsed;
        try {
            parsed = Json.mapper().treeToValue(root, ErrorResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IpcProtocolException("unreadable " + what + " payload: " + e.getMessage(), e);
        }
        ErrorBody body = withTableDefaults(parsed.error(), error);
        return new ErrorResponse(false, parsed.taskId(), parsed.traceId(), body);
    }

    private static String abbreviated(Frame frame) {
        String text = frame.payloadAsString();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
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
