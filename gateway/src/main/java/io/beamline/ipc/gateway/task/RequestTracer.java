package io.beamline.ipc.gateway.task;

import io.beamline.ipc.protocol.Frame;

/** Starts the server span of each IPC request; {@link #OFF} when tracing is off. */
public interface RequestTracer extends AutoCloseable {

    RequestTracer OFF = (request, caller) -> RequestSpan.NONE;

    /** The span of {@code request} from {@code caller}; {@link RequestSpan#NONE} when not traced. */
    RequestSpan start(Frame request, Caller caller);

    /** Sends what is still buffered (a bounded wait) and stops. */
    @Override
    default void close() {
    }
}
