package io.beamline.ipc.gateway.resilience;

import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.Optional;

/**
 * A stopping gateway finishes what it has and takes no new work: once {@link #close()}d, every submit is
 * refused with a retryable 503 {@code shutting_down}, so clients go elsewhere or come back later.
 */
public final class DrainGate implements SubmitGate {

    private volatile boolean draining;

    public void close() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    @Override
    public Optional<ErrorBody> admit(String tenantId, Caller caller) {
        return draining
                ? Optional.of(ErrorBody.of(ErrorCode.UNAVAILABLE, "shutting_down",
                        "the gateway is shutting down and takes no new tasks; retry on a new connection"))
                : Optional.empty();
    }
}
