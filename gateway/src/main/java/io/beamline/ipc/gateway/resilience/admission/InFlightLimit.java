package io.beamline.ipc.gateway.resilience.admission;

import io.beamline.ipc.gateway.config.AdmissionConfig;
import io.beamline.ipc.gateway.resilience.OutcomeAwareGate;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The global cap on submits in flight (admitted and not ended), over all connections. Beyond it a submit
 * is refused at once with a retryable 503 {@code gateway_overloaded} and a retry hint: failing fast beats
 * queueing work the Router will not finish in time.
 */
public final class InFlightLimit implements OutcomeAwareGate {

    public static final String REASON = "gateway_overloaded";

    private final int max;
    private final long retryAfterMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    public InFlightLimit(AdmissionConfig config) {
        this.max = config.maxInFlight();
        this.retryAfterMs = config.retryAfter().toMillis();
    }

    @Override
    public Optional<ErrorBody> admit(String tenantId, Caller caller) {
        if (inFlight.incrementAndGet() <= max) {
            return Optional.empty();
        }
        inFlight.decrementAndGet();
        refused.increment();
        return Optional.of(ErrorBody.of(ErrorCode.OVERLOADED, REASON,
                "the gateway has " + max + " tasks in flight; retry after " + retryAfterMs + " ms")
                .withRetryAfterMs(retryAfterMs));
    }

    @Override
    public void ended(SubmitOutcome outcome) {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int max() {
        return max;
    }

    public long refused() {
        return refused.sum();
    }
}
