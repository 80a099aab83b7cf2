package io.beamline.ipc.client;

import io.beamline.ipc.protocol.ErrorBody;
import java.util.Optional;

/**
 * A stream ended with STREAM_ERROR. {@link #end()} is the whole terminal frame; the accessors read its
 * status, counts and error like {@link IpcErrorException} does for RESPONSE_ERROR. The message reads like
 * {@code stream gap after 1 chunks (3 bytes): error 15 stream_gap (502): <gateway message>}.
 */
public final class IpcStreamException extends RuntimeException implements GatewayError {

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

    @Override
    public ErrorBody error() {
        return end.error().orElseThrow();
    }

    public Optional<String> taskId() {
        return end.taskId();
    }

    public Optional<String> traceId() {
        return end.traceId();
    }
}
