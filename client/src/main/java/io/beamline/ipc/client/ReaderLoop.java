package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.ProtocolException;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Body of the reader thread: hands each frame to its pending request (v1: the oldest v1 request; v2: the
 * request with its id) until the stream ends or breaks, then reports why exactly once.
 */
final class ReaderLoop implements Runnable {

    private final FrameReader frames;
    private final PendingRequests pending;
    private final Consumer<IpcConnectionException> onEnd;

    ReaderLoop(FrameReader frames, PendingRequests pending, Consumer<IpcConnectionException> onEnd) {
        this.frames = frames;
        this.pending = pending;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        IpcConnectionException end;
        try {
            Frame frame;
            while ((frame = frames.read()) != null) {
                pending.complete(frame);
            }
            end = new IpcConnectionException("the gateway closed the connection");
        } catch (ProtocolException | IpcProtocolException e) {
            end = new IpcConnectionException("the gateway broke the protocol: " + e.getMessage(), e);
        } catch (IOException e) {
            end = new IpcConnectionException("the connection to the gateway broke: " + e, e);
        } catch (RuntimeException | Error e) {
            // Futures swallow callback exceptions, so this is a bug here; still, never leave requests hanging.
            end = new IpcConnectionException("the client's reader failed: " + e, e);
        }
        onEnd.accept(end); // ignored when close() got there first
    }
}
