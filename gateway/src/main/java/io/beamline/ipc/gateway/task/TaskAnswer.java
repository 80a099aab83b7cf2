package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.JsonBytes;
import io.beamline.ipc.protocol.MessageType;

/**
 * What a TASK_* request is answered: a RESPONSE_OK payload or a RESPONSE_ERROR payload. A submit's answer is
 * made from its {@link TaskOutcome} in one place ({@link #of}); query and cancel answer with reports.
 */
public sealed interface TaskAnswer {

    /** @param payload the RESPONSE_OK payload, JSON */
    record Ok(byte[] payload) implements TaskAnswer {
        public Ok(ObjectNode payload) {
            this(Json.write(payload));
        }
    }

    record Error(ErrorResponse response) implements TaskAnswer {
    }

    /**
     * RESPONSE_OK, then the task's stream: its chunks from {@code fromSeq} and one terminal frame follow.
     *
     * @param owner the submit itself (its connection leaving cancels the stream), not a STREAM_SUBSCRIBE
     */
    record Streaming(byte[] payload, TaskStream stream, long fromSeq, boolean owner) implements TaskAnswer {
        public Streaming(ObjectNode payload, TaskStream stream, long fromSeq, boolean owner) {
            this(Json.write(payload), stream, fromSeq, owner);
        }
    }

    /** A submit's answer: {@code {"ok":true,"task_id","trace_id","decision"}} or the error with both ids. */
    static TaskAnswer of(String taskId, String traceId, TaskOutcome outcome) {
        return switch (outcome) {
            case TaskOutcome.Decided d -> new Ok(new JsonBytes(d.decision().length + 128).startObject()
                    .bool("ok", true)
                    .string("task_id", taskId)
                    .string("trace_id", traceId)
                    .raw("decision", d.decision()) // the Router's bytes, not re-encoded
                    .endObject().toByteArray());
            case TaskOutcome.Failed f -> error(taskId, traceId, f.error());
        };
    }

    static TaskAnswer error(String taskId, String traceId, ErrorBody error) {
        return new Error(new ErrorResponse(false, taskId, traceId, error));
    }

    /** The frame the client gets. */
    default Frame toFrame() {
        return switch (this) {
            case Ok ok -> Frame.of(MessageType.RESPONSE_OK, ok.payload());
            case Streaming s -> Frame.of(MessageType.RESPONSE_OK, s.payload());
            case Error e -> e.response().toFrame();
        };
    }
}
