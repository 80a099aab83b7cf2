package io.beamline.ipc.gateway.resilience;

import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import java.util.Optional;

/**
 * One reason a submit may be refused before it reaches the Router (rate limit, overload, open breaker,
 * Router backpressure). Gates are asked in order; the first refusal is the client's answer, so refusing
 * is cheap and never touches NATS.
 */
public interface SubmitGate {

    /** @return the refusal (code, status, reason, retry hint), or empty to let the submit through */
    Optional<ErrorBody> admit(String tenantId, Caller caller);
}
