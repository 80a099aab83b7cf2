package io.beamline.ipc.gateway.taskflow;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import io.beamline.ipc.gateway.routerclient.ErrorTranslation;
import io.beamline.ipc.gateway.routerclient.RouterClient.RouterSubscription;
import io.beamline.ipc.gateway.routerclient.StreamEvent;
import io.beamline.ipc.gateway.task.StreamSink;
import io.beamline.ipc.gateway.task.TaskStream;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One task's stream from the Router to the connections reading it. Every stream ends exactly once, with a
 * stated status and the counts of what was streamed: {@code complete}, {@code error} (the Router's end says
 * so), {@code cancelled}, {@code timeout} (no message for {@code streams.idle_timeout_ms}), {@code gap} (a
 * missing sequence number: never a silent truncation) or {@code overflow} (a client fell behind). On every
 * end the NATS subscription goes; on the ends the gateway decides, the Router is told to stop.
 *
 * <p>The latest chunks are held for STREAM_SUBSCRIBE {@code from_seq} ({@code streams.replay_bytes}); until
 * the submitting connection has attached, everything is held (bounded by {@code streams.max_buffered_bytes}).
 * Events arrive on the NATS dispatcher thread; sinks are told under this object's lock, so replay and live
 * chunks reach a sink in order.
 */
final class RoutedStream implements TaskStream {

    /** How the stream ended; the wire's {@code status}. */
    enum Status {
        COMPLETE, ERROR, CANCELLED, TIMEOUT, GAP, OVERFLOW;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Held(long seq, byte[] payload, int bytes) {
    }

    private record Sink(StreamSink sink, boolean owner) {
    }

    private final String taskId;
    private final String traceId;
    private final StreamsConfig config;
    private final CancelNotices notices;
    private final ScheduledExecutorService timers;
    private final LongSupplier nanoTime;
    private final Runnable onEnded;
    private final StreamStats stats;
    private final long openedAt;

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final List<Sink> sinks = new ArrayList<>(1);
    private long heldBytes;
    private long nextSeq = 1;
    private long chunks;
    private long bytes;
    private boolean ownerAttached;
    private ObjectNode end;
    private Status status;
    private long lastMessageAt;
    private RouterSubscription subscription = RouterSubscription.NONE;
    private ScheduledFuture<?> idleCheck;

    /**
     * @param onEnded told once, when the stream has ended (the registry keeps it for replay, then forgets it)
     * @param stats   counts its chunks and times it
     */
    RoutedStream(String taskId, String traceId, StreamsConfig config, CancelNotices notices,
                 ScheduledExecutorService timers, LongSupplier nanoTime, Runnable onEnded, StreamStats stats) {
        this.taskId = taskId;
        this.traceId = traceId;
        this.config = config;
        this.notices = notices;
        this.timers = timers;
        this.nanoTime = nanoTime;
        this.onEnded = onEnded;
        this.stats = stats;
        this.openedAt = nanoTime.getAsLong();
    }

    @Override
    public String taskId() {
        return taskId;
    }

    /** The subscription that feeds it; closed on every end. */
    synchronized void subscribed(RouterSubscription s) {
        if (end != null) {
            s.close();
        } else {
            subscription = s;
        }
    }

    /** The Router decided: from now a silent stream times out. */
    synchronized void started() {
        if (end == null) {
            lastMessageAt = nanoTime.getAsLong();
            scheduleIdleCheck(config.idleTimeout().toNanos());
        }
    }

    /** The decide request ended without a decision: there is no stream; nobody was attached to it. */
    synchronized void abandonBeforeStart() {
        finish(null, null, false);
    }

    synchronized void onEvent(StreamEvent event) {
        if (end != null) {
            return; // ended by us (cancel, timeout, overflow, gap): the rest is not wanted
        }
        lastMessageAt = nanoTime.getAsLong();
        if (event.seq() != nextSeq) {
            endWith(Status.GAP, ErrorBody.of(ErrorCode.BAD_GATEWAY, "stream_gap", "stream message " + nextSeq
                    + " never came (the next one was " + event.seq() + "): the output is incomplete"), true);
            return;
        }
        nextSeq++;
        switch (event) {
            case StreamEvent.Chunk c -> chunk(c);
            case StreamEvent.End e when e.kind() == StreamEvent.EndKind.COMPLETE -> complete(e.body());
            case StreamEvent.End e -> endWith(e.kind() == StreamEvent.EndKind.CANCELLED ? Status.CANCELLED
                    : Status.ERROR, e.error(), false);
            case StreamEvent.Unreadable u -> endWith(Status.ERROR, ErrorTranslation.badReply(u.why()), true);
        }
    }

    private void chunk(StreamEvent.Chunk c) {
        chunks++;
        bytes += c.data().length;
        stats.chunk(c.data().length);
        byte[] payload = dataPayload(c.seq(), c.data());
        held.add(new Held(c.seq(), payload, c.data().length));
        heldBytes += c.data().length;
        trim();
        if (!ownerAttached && heldBytes > config.maxBufferedBytes()) {
            overflow();
            return;
        }
        for (Sink s : sinks) {
            s.sink.chunk(c.seq(), payload);
        }
    }

    /** Keeps what STREAM_SUBSCRIBE may ask for; before the owner attached, everything. */
    private void trim() {
        while (ownerAttached && heldBytes > config.replayBytes() && !held.isEmpty()) {
            heldBytes -= held.poll().bytes;
        }
    }

    private void complete(ObjectNode routerEnd) {
        ObjectNode payload = counts(true, Status.COMPLETE);
        if (routerEnd.has("usage")) {
            payload.set("usage", routerEnd.get("usage"));
        }
        finish(Status.COMPLETE, payload, false);
    }

    @Override
    public synchronized Optional<ErrorBody> attach(long fromSeq, StreamSink sink, boolean owner) {
        Optional<ErrorBody> notHeld = replayableFrom(fromSeq);
        if (notHeld.isPresent()) {
            return notHeld;
        }
        for (Held h : held) {
            if (h.seq >= fromSeq) {
                sink.chunk(h.seq, h.payload);
            }
        }
        if (owner) {
            ownerAttached = true;
            trim();
        }
        if (end != null) {
            sink.end(end);
        } else {
            sinks.add(new Sink(sink, owner));
        }
        return Optional.empty();
    }

    @Override
    public synchronized void detach(StreamSink sink) {
        Sink gone = sinks.stream().filter(s -> s.sink == sink).findFirst().orElse(null);
        if (gone == null) {
            return;
        }
        sinks.remove(gone);
        if (gone.owner && cancel("the client went away")) {
            notices.send(taskId, traceId, CancelNotices.CLIENT_GONE);
        }
    }

    @Override
    public synchronized void overflowed(StreamSink sink) {
        overflow();
    }

    private void overflow() {
        endWith(Status.OVERFLOW, ErrorBody.of(ErrorCode.OVERLOADED, "stream_overflow", "more than " + config.maxBufferedBytes()
                + " bytes of the stream waited to be written to the client (it does not read, or the stream is faster"
                + " than it reads)"), true);
    }

    /**
     * Ends a running stream with {@code cancelled} (TASK_CANCEL, the submitting client gone, the gateway
     * stopping); the caller tells the Router. @return whether this call ended it
     */
    synchronized boolean cancel(String message) {
        if (end != null) {
            return false;
        }
        endWith(Status.CANCELLED, ErrorTranslation.cancelled(message), false);
        return true;
    }

    /** Why STREAM_SUBSCRIBE from {@code fromSeq} cannot be served, or empty. */
    synchronized Optional<ErrorBody> replayableFrom(long fromSeq) {
        long oldest = held.isEmpty() ? nextSeq : held.peek().seq;
        return fromSeq < oldest && fromSeq <= chunks ? Optional.of(notHeld(oldest)) : Optional.empty();
    }

    private ErrorBody notHeld(long oldest) {
        return ErrorBody.of(ErrorCode.NOT_FOUND, "replay_unavailable", "chunks before seq " + oldest
                + " are no longer held for task " + taskId + "; subscribe with from_seq " + oldest + " or later");
    }

    synchronized boolean running() {
        return end == null;
    }

    synchronized Status status() {
        return status;
    }

    private void checkIdle() {
        synchronized (this) {
            if (end != null) {
                return;
            }
            long idle = nanoTime.getAsLong() - lastMessageAt;
            long timeout = config.idleTimeout().toNanos();
            if (idle < timeout) {
                scheduleIdleCheck(timeout - idle);
                return;
            }
            endWith(Status.TIMEOUT, ErrorBody.of(ErrorCode.TIMEOUT, "stream_idle_timeout", "no stream message "
                    + "from the Router for " + config.idleTimeout().toMillis() + " ms"), true);
        }
    }

    private void scheduleIdleCheck(long nanos) {
        idleCheck = timers.schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
    }

    /** @param tellRouter the gateway ends it (gap, timeout, overflow): the Router may still be streaming */
    private void endWith(Status s, ErrorBody error, boolean tellRouter) {
        ObjectNode payload = counts(false, s);
        payload.set("error", Json.mapper().valueToTree(error));
        finish(s, payload, tellRouter);
    }

    private ObjectNode counts(boolean ok, Status s) {
        return JsonNodeFactory.instance.objectNode().put("ok", ok).put("task_id", taskId).put("trace_id", traceId)
                .put("status", s.wire()).put("chunks", chunks).put("bytes", bytes);
    }

    private void finish(Status s, ObjectNode payload, boolean tellRouter) {
        if (end != null || status != null) {
            return;
        }
        status = s;
        end = payload == null ? counts(false, Status.CANCELLED) : payload;
        stats.ended(s, nanoTime.getAsLong() - openedAt); // before the readers hear of the end
        subscription.close();
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (tellRouter) {
            notices.send(taskId, traceId, "stream_" + s.wire());
        }
        if (payload != null) {
            for (Sink sink : sinks) {
                sink.sink.end(payload);
            }
        }
        sinks.clear();
        onEnded.run();
    }

    /** {@code {"task_id","seq","data"}} written straight to bytes: the per-chunk cost is one small write. */
    private byte[] dataPayload(long seq, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + taskId.length() + 48);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("task_id", taskId);
            g.writeNumberField("seq", seq);
            String text = utf8(data);
            if (text != null) {
                g.writeStringField("data", text);
            } else {
                g.writeStringField("data_base64", Base64.getEncoder().encodeToString(data));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** The chunk as text when it is valid UTF-8; else null (it goes as base64). ASCII, the usual case, is checked cheaply. */
    private static String utf8(byte[] data) {
        boolean ascii = true;
        for (byte b : data) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(data, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
