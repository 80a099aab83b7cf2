package io.beamline.ipc.client;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A stream ended with STREAM_ERROR. {@link #end()} is the whole terminal frame; the accessors read its
 * status, counts and error like {@link IpcErrorException} does for RESPONSE_ERROR. The message reads like
 * {@code stream gap after 1 chunks (3 bytes): error 15 stream_gap (502): <gateway message>}.
 */
public final class IpcStreamException extends RuntimeException {

    private final StreamEnd end;

    public IpcStreamException(StreamEnd end) {
        super("stream " + end.statusName() + " after " + end.chunks() + " chunks (" + end.bytes() + " bytes): "
                + end.error().map(IpcErrorException::describe).orElse("no error given"));
        this.end = end;
    }

    /** The terminal frame. */
    public StreamEnd end() {
        return end;
    }

    public StreamStatus status() {
        return end.status();
    }

    /** Chunks the Router streamed until the end. */
    public long chunks() {
        return end.chunks();
    }

    /** Bytes the Router streamed until the end. */
    public long bytes() {
        return end.bytes();
    }

    /** The parsed {@code error} object. */
    public ErrorBody error() {
        return end.error().orElseThrow();
    }

    /** The numeric IPC error code, e.g. 15 for a gap. */
    public int code() {
        return error().code();
    }

    /** The code as an {@link ErrorCode}; a code this version does not know maps to {@link ErrorCode#INTERNAL}. */
    public ErrorCode errorCode() {
        return error().errorCode();
    }

    public String reason() {
        return error().reason();
    }

    public boolean retryable() {
        return error().retryable();
    }

    public OptionalLong retryAfterMs() {
        Long ms = error().retryAfterMs();
        return ms == null ? OptionalLong.empty() : OptionalLong.of(ms);
    }

    public Optional<String> taskId() {
        return end.taskId();
    }

    public Optional<String> traceId() {
        return end.traceId();
    }
}
