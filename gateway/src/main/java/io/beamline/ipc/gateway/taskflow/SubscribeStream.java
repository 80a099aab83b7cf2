package io.beamline.ipc.gateway.taskflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.TaskRef;
import java.util.concurrent.CompletableFuture;

/**
 * STREAM_SUBSCRIBE {@code {"task_id","from_seq"?}}: attaches a connection to the stream of a task this
 * gateway holds, submitted by the same uid (e.g. an editor that restarted): held chunks from {@code from_seq}
 * (default 1) first, then the live ones and the end.
 */
final class SubscribeStream {

    private final StreamRegistry streams;

    SubscribeStream(StreamRegistry streams) {
        this.streams = streams;
    }

    CompletableFuture<TaskAnswer> subscribe(ObjectNode payload, Caller caller) {
        return CompletableFuture.completedFuture(answer(payload, caller));
    }

    private TaskAnswer answer(ObjectNode payload, Caller caller) {
        String taskId;
        long fromSeq;
        try {
            taskId = TaskRef.from(payload).taskId();
            fromSeq = fromSeq(payload);
        } catch (ProtocolException e) {
            return TaskAnswer.error(null, null, e.toErrorBody());
        }
        var entry = streams.find(taskId).filter(e -> e.uid() == caller.uid()); // another uid's: not found
        if (entry.isEmpty()) {
            return TaskAnswer.error(taskId, null, ErrorBody.of(ErrorCode.NOT_FOUND, "stream_not_found",
                    "no stream of task " + taskId + " is held for this user"));
        }
        RoutedStream stream = entry.get().stream();
        var notHeld = stream.replayableFrom(fromSeq);
        if (notHeld.isPresent()) {
            return TaskAnswer.error(taskId, null, notHeld.get());
        }
        ObjectNode ok = JsonNodeFactory.instance.objectNode().put("ok", true).put("task_id", taskId)
                .put("from_seq", fromSeq);
        return new TaskAnswer.Streaming(ok, stream, fromSeq, false);
    }

    private static long fromSeq(ObjectNode payload) {
        JsonNode v = payload.get("from_seq");
        if (v == null || v.isNull()) {
            return 1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "from_seq must be a positive integer");
        }
        return v.asLong();
    }
}
