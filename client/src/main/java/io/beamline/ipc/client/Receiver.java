package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for what the gateway sends under it: one answer (every request but a stream), or a
 * stream's answer, chunks and terminal frame. Called on the reader thread only, one frame at a time.
 */
interface Receiver {

    /**
     * Checks that the next frame of this request may come now, before {@link #receive} takes it.
     *
     * @return true when it is the request's last frame: its v1 place in line or its v2 id is freed before
     *         {@link #receive}, so that whoever {@code receive} wakes finds the request gone
     * @throws IpcProtocolException when the frame is not allowed here; the connection ends, because what
     *                              follows can no longer be matched to its request
     */
    boolean isLast(Frame frame);

    /** Takes the frame {@link #isLast} accepted. */
    void receive(Frame frame);

    /** The connection ended, or the request could not be sent: nothing more will come. */
    void fail(Throwable cause);

    /** The request is about to be written, under this v2 request id (0 on v1). */
    default void sentAs(int requestId) {
    }

    /** A request answered by exactly one frame, which completes {@code answer} (RESPONSE_ERROR included). */
    static Receiver single(CompletableFuture<Frame> answer) {
        return new Single(answer);
    }

    /** STREAM_DATA, STREAM_COMPLETE or STREAM_ERROR. */
    static boolean isStream(Frame frame) {
        MessageType t = frame.type();
        return t == MessageType.STREAM_DATA || t == MessageType.STREAM_COMPLETE || t == MessageType.STREAM_ERROR;
    }

    /** See {@link #single}. */
    record Single(CompletableFuture<Frame> answer) implements Receiver {

        @Override
        public boolean isLast(Frame frame) {
            if (isStream(frame)) {
                // Left in place: closing the connection fails it with everything else still waiting.
                throw new IpcProtocolException("the gateway sent " + frame + " for a request that does not stream"
                        + (frame.version() == Frame.V2 ? " (request id " + Integer.toUnsignedString(frame.requestId()) + ")" : ""));
            }
            return true;
        }

        @Override
        public void receive(Frame frame) {
            answer.complete(frame); // false when it timed out or was cancelled: the answer is discarded
        }

        @Override
        public void fail(Throwable cause) {
            answer.completeExceptionally(cause);
        }
    }
}
