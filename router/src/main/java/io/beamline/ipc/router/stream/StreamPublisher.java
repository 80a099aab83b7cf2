package io.beamline.ipc.router.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a decided task's output on {@code beamline.router.v1.stream.<request_id>}: {@code chunks} data
 * messages, each after {@code intervalMs}, then one end message. Every message has the headers
 * {@value #SEQ} (1, 2, … across the data and end messages) and {@value #REQUEST_ID}; the end message also
 * has {@value #END}: {@code complete}, {@code error} or {@code cancelled}. Steps run on the scheduler, never
 * on the NATS dispatcher that received the request. {@link StreamFaults} may end a stream with an error, leave
 * one seq out, or make it go silent.
 */
public final class StreamPublisher {

    public static final String SEQ = "Beamline-Stream-Seq";
    public static final String END = "Beamline-Stream-End";
    public static final String REQUEST_ID = "Beamline-Request-Id";
    public static final String END_COMPLETE = "complete";
    public static final String END_ERROR = "error";
    public static final String END_CANCELLED = "cancelled";

    private static final Logger LOG = LoggerFactory.getLogger(StreamPublisher.class);

    private final Connection connection;
    private final ScheduledExecutorService scheduler;
    private final ObjectMapper mapper;
    private final Map<String, Run> active = new ConcurrentHashMap<>();

    public StreamPublisher(Connection connection, ScheduledExecutorService scheduler, ObjectMapper mapper) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.mapper = mapper;
    }

    /**
     * Starts the stream of one request.
     *
     * @param traceId echoed as the {@code trace_id} header when not null
     * @param faults  {@link StreamFaults#NONE}, or the injected faults
     * @return false when the request_id cannot be a subject token or a stream of that id is still running
     */
    public boolean start(String requestId, String traceId, StreamSettings settings, StreamFaults faults) {
        String subject = StreamSubjects.of(requestId);
        if (subject == null) {
            LOG.warn("request_id {} cannot be a NATS subject token: no stream published", requestId);
            return false;
        }
        Run run = new Run(subject, requestId, traceId, settings, faults);
        if (active.putIfAbsent(requestId, run) != null) {
            LOG.warn("a stream for request_id {} is still running: no second stream", requestId);
            return false;
        }
        if (run.stallsNow()) {
            run.stall(); // stall after 0 chunks: never scheduled, so no cancel can end it either
        } else {
            run.scheduleNext();
        }
        return true;
    }

    /** Ends a running stream with a {@code cancelled} end message; false when none was running. */
    public boolean cancel(String requestId) {
        Run run = active.get(requestId);
        return run != null && run.cancel();
    }

    /** Streams still publishing. */
    public int active() {
        return active.size();
    }

    private final class Run implements Runnable {
        private final String subject;
        private final String requestId;
        private final String traceId;
        private final StreamSettings settings;
        private final StreamFaults faults;
        /** Chunks produced, a chunk left out by {@code skipSeq} included; the next message's seq is sent + 1. */
        private int sent;
        private long bytes;
        private boolean ended;

        Run(String subject, String requestId, String traceId, StreamSettings settings, StreamFaults faults) {
            this.subject = subject;
            this.requestId = requestId;
            this.traceId = traceId;
            this.settings = settings;
            this.faults = faults;
        }

        void scheduleNext() {
            try {
                scheduler.schedule(this, settings.intervalMs(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                active.remove(requestId, this); // shutting down
            }
        }

        @Override
        public synchronized void run() {
            if (ended) {
                return;
            }
            try {
                if (faults.errorAfter() != null && sent >= faults.errorAfter()) {
                    end(END_ERROR, errorBody());
                } else if (sent >= settings.chunks()) {
                    end(END_COMPLETE, completeBody());
                } else {
                    byte[] chunk = chunk(sent + 1);
                    publish(sent + 1, headers(sent + 1), chunk);
                    sent++;
                    bytes += chunk.length;
                    // Stalls right after its last chunk, so that not even a cancel can publish an end.
                    if (stallsNow()) {
                        stall();
                    } else {
                        scheduleNext();
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("stream {} failed after {} chunks", subject, sent, e);
                ended = true;
                active.remove(requestId, this);
            }
        }

        synchronized boolean cancel() {
            if (ended) {
                return false;
            }
            ObjectNode body = mapper.createObjectNode();
            body.put("ok", false);
            body.put("cancelled", true);
            body.put("request_id", requestId);
            body.put("chunks", sent);
            end(END_CANCELLED, write(body));
            return true;
        }

        boolean stallsNow() {
            return faults.stallAfter() != null && sent >= faults.stallAfter();
        }

        /** Fault stream_stall_after: nothing more is published, and the stream is forgotten. */
        synchronized void stall() {
            LOG.info("fault stream_stall_after: stream {} goes silent after {} chunks", subject, sent);
            ended = true;
            active.remove(requestId, this);
        }

        private void end(String how, byte[] body) {
            ended = true;
            active.remove(requestId, this);
            Headers h = headers(sent + 1);
            h.put(END, how);
            publish(sent + 1, h, body);
        }

        /** Publishes one message, unless fault stream_skip_seq leaves its seq out. */
        private void publish(int seq, Headers h, byte[] body) {
            if (faults.skipSeq() != null && faults.skipSeq() == seq) {
                LOG.info("fault stream_skip_seq: stream {} leaves out seq {}", subject, seq);
                return;
            }
            connection.publish(subject, h, body);
        }

        private Headers headers(int seq) {
            Headers h = new Headers().put(SEQ, Integer.toString(seq)).put(REQUEST_ID, requestId);
            if (traceId != null) {
                h.put("trace_id", traceId);
            }
            return h;
        }

        private byte[] chunk(int seq) {
            String unit = "chunk " + seq + "/" + settings.chunks() + ";";
            StringBuilder b = new StringBuilder(settings.chunkBytes());
            while (b.length() < settings.chunkBytes()) {
                b.append(unit);
            }
            b.setLength(settings.chunkBytes());
            return b.toString().getBytes(StandardCharsets.US_ASCII);
        }

        private byte[] completeBody() {
            ObjectNode body = mapper.createObjectNode();
            body.put("ok", true);
            body.put("request_id", requestId);
            body.put("chunks", sent);
            body.put("bytes", bytes);
            return write(body);
        }

        /** The contract's error shape, so a gateway can translate it like a decide error. */
        private byte[] errorBody() {
            ObjectNode body = mapper.createObjectNode();
            body.put("ok", false);
            ObjectNode error = body.putObject("error");
            error.put("code", "internal");
            error.put("message", "Stream failed");
            ObjectNode details = error.putObject("details");
            details.put("context", "Injected fault: stream_error_after");
            details.put("fault", "stream_error_after");
            details.put("chunks_sent", sent);
            ObjectNode context = body.putObject("context");
            context.put("request_id", requestId);
            if (traceId != null) {
                context.put("trace_id", traceId);
            }
            return write(body);
        }

        private byte[] write(ObjectNode body) {
            try {
                return mapper.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode stream message", e);
            }
        }
    }
}
