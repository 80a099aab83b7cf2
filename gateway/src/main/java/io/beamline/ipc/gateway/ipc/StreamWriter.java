package io.beamline.ipc.gateway.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.StreamSink;
import io.beamline.ipc.gateway.task.TaskStream;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.EventExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One request's stream onto its connection: STREAM_DATA frames, then STREAM_COMPLETE or STREAM_ERROR, with the
 * request's version and id. Frames are made on the stream's thread and queued; the connection's event loop
 * writes whatever is queued in one task (one task per burst, not per chunk). The bytes handed over and not yet
 * written to the socket are counted; past {@code streams.max_buffered_bytes} (a client that does not read)
 * the stream is told it overflowed, and the terminal frame still goes out, saying {@code overflow}.
 */
final class StreamWriter implements StreamSink {

    private final Frame request;
    private final TaskStream stream;
    private final EventExecutor loop;
    private final long maxBuffered;
    private final BiConsumer<Frame, ChannelFutureListener> data;
    private final Consumer<Frame> end;
    private final Queue<Frame> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong waiting = new AtomicLong();
    private volatile boolean overflowed;

    /**
     * @param data writes a chunk frame (on the event loop), telling the listener when it reached the socket
     * @param end  writes the terminal frame (on the event loop): the request is answered
     */
    StreamWriter(Frame request, TaskStream stream, EventExecutor loop, long maxBuffered,
                 BiConsumer<Frame, ChannelFutureListener> data, Consumer<Frame> end) {
        this.request = request;
        this.stream = stream;
        this.loop = loop;
        this.maxBuffered = maxBuffered;
        this.data = data;
        this.end = end;
    }

    @Override
    public void chunk(long seq, byte[] payload) {
        if (overflowed) {
            return; // its end is on the way
        }
        Frame f = request.answer(MessageType.STREAM_DATA, payload);
        if (waiting.addAndGet(f.length()) > maxBuffered) {
            overflowed = true;
            waiting.addAndGet(-f.length());
            loop.execute(() -> stream.overflowed(this)); // not under the stream's lock: it ends the stream
            return;
        }
        enqueue(f);
    }

    /**
     * The stream's end; for a writer that dropped chunks (overflow) whatever the stream's own end said, an
     * {@code overflow} STREAM_ERROR: a stream with chunks missing never ends looking complete.
     */
    @Override
    public void end(ObjectNode payload) {
        ObjectNode last = overflowed && !"overflow".equals(payload.path("status").asText()) ? overflowEnd(payload) : payload;
        MessageType type = last.path("ok").asBoolean(false) ? MessageType.STREAM_COMPLETE : MessageType.STREAM_ERROR;
        enqueue(request.answer(type, Json.write(last)));
    }

    private void enqueue(Frame f) {
        queued.add(f);
        if (draining.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    /** On the event loop: everything queued, in order; the terminal frame answers the request. */
    private void drain() {
        draining.set(false); // a frame queued from here on schedules another drain
        for (Frame f = queued.poll(); f != null; f = queued.poll()) {
            if (f.type() == MessageType.STREAM_DATA) {
                int length = f.length();
                data.accept(f, written -> waiting.addAndGet(-length));
            } else {
                end.accept(f);
            }
        }
    }

    private ObjectNode overflowEnd(ObjectNode streamEnd) {
        ObjectNode e = streamEnd.deepCopy();
        e.remove("usage");
        e.put("ok", false).put("status", "overflow");
        e.set("error", Json.mapper().valueToTree(ErrorBody.of(ErrorCode.OVERLOADED, "stream_overflow",
                "more than " + maxBuffered + " bytes of the stream waited to be written to the client (it does not"
                        + " read, or the stream is faster than it reads); chunks were dropped")));
        return e;
    }

    /** Bytes of this stream waiting to reach the socket. */
    long waiting() {
        return waiting.get();
    }
}
