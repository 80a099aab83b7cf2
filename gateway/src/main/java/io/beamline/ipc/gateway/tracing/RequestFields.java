package io.beamline.ipc.gateway.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.SubmitPayload;
import java.util.Set;

/**
 * What a traced request's span is told from its payload: the client's traceparent, and the task it names. Read
 * only when tracing is on (a second, lenient reading: a payload the dispatcher refuses just gives nothing here).
 *
 * @param legacy a submit in the C gateway's editor format (no {@code payload} object)
 */
record RequestFields(String traceparent, String taskType, String taskId, String tenant, boolean legacy,
                     boolean stream) {

    static final RequestFields NONE = new RequestFields(null, null, null, null, false, false);
    /** The request types with a server span; PING and CAPABILITIES have none. */
    static final Set<MessageType> TRACED = Set.of(MessageType.TASK_SUBMIT, MessageType.TASK_QUERY,
            MessageType.TASK_CANCEL, MessageType.STREAM_SUBSCRIBE);

    static RequestFields of(Frame request) {
        try {
            return request.type() == MessageType.TASK_SUBMIT ? submit(SubmitPayload.read(request.payload()))
                    : other(Json.parseObject(request.payload()));
        } catch (RuntimeException e) { // bad input: the dispatcher answers it; the span has no parent
            return NONE;
        }
    }

    private static RequestFields submit(SubmitPayload p) {
        String type = text(p, "task_type");
        return new RequestFields(text(p, "traceparent"), type != null ? type : text(p, "task"), text(p, "task_id"),
                text(p, "tenant_id"), p.get("payload") == null, p.get("stream") != null
                && Boolean.TRUE.equals(p.get("stream").value()));
    }

    private static RequestFields other(ObjectNode p) {
        return new RequestFields(text(p.get("traceparent")), null, text(p.get("task_id")), null, false, false);
    }

    private static String text(SubmitPayload p, String field) {
        SubmitPayload.Field f = p.get(field);
        return f != null && f.isText() ? f.text() : null;
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
