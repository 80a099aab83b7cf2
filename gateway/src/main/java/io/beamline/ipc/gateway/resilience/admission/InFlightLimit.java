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
import java.util.function.Supplier;

/**
 * The global cap on submits in flight (admitted and not ended), over all connections. Beyond it a submit
 * is refused at once with a retryable 503 {@code gateway_overloaded} and a retry hint: failing fast beats
 * queueing work the Router will not finish in time. The cap is read for each submit: a reload that lowers it
 * refuses new submits beyond it and lets those in flight end.
 */
public final class InFlightLimit implements OutcomeAwareGate {

    public static final String REASON = "gateway_overloaded";

    private final Supplier<AdmissionConfig> config;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    public InFlightLimit(AdmissionConfig config) {
        this(() -> config);
    }

    public InFlightLimit(Supplier<AdmissionConfig> config) {
        this.config = config;
    }

    @Override
    public Optional<ErrorBody> admit(String tenantId, Caller caller) {
        AdmissionConfig now = config.get();
        int max = now.maxInFlight();
        if (inFlight.incrementAndGet() <= max) {
            return Optional.empty();
        }
        inFlight.decrementAndGet();
        refused.increment();
        long retryAfterMs = now.retryAfter().toMillis();
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
        return config.get().maxInFlight();
    }

    public long refused() {
        return refused.sum();
    }
}
