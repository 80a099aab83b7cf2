package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import java.util.Objects;
import java.util.Optional;

/**
 * The terminal frame of a stream: STREAM_COMPLETE ({@link #ok()}, status {@link StreamStatus#COMPLETE}) or
 * STREAM_ERROR (status {@code error}, {@code cancelled}, {@code timeout}, {@code gap} or {@code overflow},
 * and the {@link #error()}). {@link #chunks()} and {@link #bytes()} count what the Router streamed until the
 * end, which may be more than a subscriber that resumed from a later seq, or cancelled, received.
 */
public final class StreamEnd {

    private final ObjectNode payload;
    private final String statusName;
    private final long chunks;
    private final long bytes;
    private final ErrorBody error;

    StreamEnd(ObjectNode payload, String statusName, long chunks, long bytes, ErrorBody error) {
        this.payload = payload.deepCopy();
        this.statusName = Objects.requireNonNull(statusName, "statusName");
        this.chunks = chunks;
        this.bytes = bytes;
        this.error = error;
    }

    /** True for STREAM_COMPLETE. */
    public boolean ok() {
        return error == null;
    }

    public StreamStatus status() {
        return StreamStatus.fromWire(statusName);
    }

    /** The status exactly as sent, e.g. {@code complete} or {@code gap}. */
    public String statusName() {
        return statusName;
    }

    /** Chunks the Router streamed until the end. */
    public long chunks() {
        return chunks;
    }

    /** Bytes of output the Router streamed until the end. */
    public long bytes() {
        return bytes;
    }

    public Optional<String> taskId() {
        return text("task_id");
    }

    public Optional<String> traceId() {
        return text("trace_id");
    }

    /** What the Router reported the task used, when it did (STREAM_COMPLETE only). */
    public Optional<JsonNode> usage() {
        JsonNode v = payload.get("usage");
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.deepCopy());
    }

    /** The error of a STREAM_ERROR, as in RESPONSE_ERROR (status, reason, retryable, the Router's error…). */
    public Optional<ErrorBody> error() {
        return Optional.ofNullable(error);
    }

    /** The whole terminal payload as received (a copy), unknown fields included. */
    public ObjectNode payload() {
        return payload.deepCopy();
    }

    @Override
    public String toString() {
        return "StreamEnd[" + statusName + ", " + chunks + " chunks, " + bytes + " bytes"
                + taskId().map(t -> ", task_id=" + t).orElse("") + "]";
    }

    private Optional<String> text(String field) {
        JsonNode v = payload.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? Optional.of(v.asText()) : Optional.empty();
    }
}
