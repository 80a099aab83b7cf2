package io.beamline.ipc.gateway.task;

import io.beamline.ipc.protocol.ErrorResponse;

/** A task request that ends in a documented error; the answer the client gets is {@link #response()}. */
public final class TaskFailure extends RuntimeException {

    private final ErrorResponse response;

    public TaskFailure(ErrorResponse response) {
        super(response.error().message(), null, false, false);
        this.response = response;
    }

    public ErrorResponse response() {
        return response;
    }
}
