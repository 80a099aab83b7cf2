package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.StreamSink;
import io.beamline.ipc.gateway.task.TaskStream;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A stream's frames for one client, and what a client that does not read gets. */
class StreamWriterTest {

    private final List<Frame> written = new ArrayList<>();
    private final List<StreamSink> overflowed = new ArrayList<>();

    private final TaskStream stream = new TaskStream() {
        @Override
        public String taskId() {
            return "t";
        }

        @Override
        public Optional<ErrorBody> attach(long fromSeq, StreamSink sink, boolean owner) {
            return Optional.empty();
        }

        @Override
        public void detach(StreamSink sink) {
        }

        @Override
        public void overflowed(StreamSink sink) {
            overflowed.add(sink);
        }
    };

    /** A client that never reads: nothing written ever reaches its socket. */
    private StreamWriter writer(long maxBuffered) {
        return new StreamWriter(Frame.v2(MessageType.TASK_SUBMIT, 9, new byte[0]), stream,
                ImmediateEventExecutor.INSTANCE, maxBuffered, (frame, reachedSocket) -> written.add(frame),
                written::add);
    }

    private static byte[] chunk(long seq) {
        return Json.write(JsonNodeFactory.instance.objectNode().put("task_id", "t").put("seq", seq)
                .put("data", "x".repeat(100)));
    }

    private static ObjectNode complete(long chunks) {
        return JsonNodeFactory.instance.objectNode().put("ok", true).put("task_id", "t").put("status", "complete")
                .put("chunks", chunks).put("bytes", chunks * 100);
    }

    @Test
    void framesCarryTheRequestsIdAndTheEndIsTheStreamsOwn() {
        StreamWriter w = writer(1 << 20);
        w.chunk(1, chunk(1));
        w.end(complete(1));
        assertThat(written).extracting(Frame::type).containsExactly(MessageType.STREAM_DATA, MessageType.STREAM_COMPLETE);
        assertThat(written).allSatisfy(f -> assertThat(f.requestId()).isEqualTo(9));
    }

    @Test
    void aClientPastTheBoundIsToldOverflowEvenWhenTheStreamThenCompletes() {
        StreamWriter w = writer(1000); // about seven 140-byte chunk frames
        for (long seq = 1; seq <= 20; seq++) {
            w.chunk(seq, chunk(seq));
        }
        assertThat(overflowed).containsExactly(w);
        long data = written.stream().filter(f -> f.type() == MessageType.STREAM_DATA).count();
        assertThat(data).isBetween(1L, 19L);

        w.end(complete(20)); // the Router's end came before the overflow ended the stream
        Frame end = written.get(written.size() - 1);
        assertThat(end.type()).as("chunks were dropped: it must not look complete").isEqualTo(MessageType.STREAM_ERROR);
        JsonNode e = Json.parseObject(end.payload());
        assertThat(e.path("status").asText()).isEqualTo("overflow");
        assertThat(e.path("chunks").asLong()).isEqualTo(20);
        assertThat(e.path("error").path("reason").asText()).isEqualTo("stream_overflow");
        assertThat(e.path("error").path("code").asInt()).isEqualTo(8);
    }
}
