package io.beamline.ipc.gateway.resilience;

import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.ErrorBody;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submit's pass through the {@link SubmitGates}: refused (with the refusal), or admitted by gates of
 * which those that hold something for it hear exactly once how it ended.
 */
public final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final List<OutcomeAwareGate> holders;
    private final Optional<ErrorBody> refusal;
    private final long admittedAt = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();

    Admission(List<OutcomeAwareGate> holders, Optional<ErrorBody> refusal) {
        this.holders = holders;
        this.refusal = refusal;
    }

    /** Why a gate refused the submit; empty when every gate admitted it. */
    public Optional<ErrorBody> refusal() {
        return refusal;
    }

    /** A step after the gates (the task registry) refused it after all: nothing was sent. */
    public void notSent() {
        end(SubmitOutcome.NOT_SENT);
    }

    /** The submit ended with {@code outcome}; the gates hear what it says about the Router. */
    public void ended(TaskOutcome outcome) {
        end(SubmitOutcome.of(outcome, System.nanoTime() - admittedAt));
    }

    private void end(SubmitOutcome outcome) {
        if (ended.compareAndSet(false, true)) {
            tell(holders, outcome);
        }
    }

    static void tell(List<OutcomeAwareGate> holders, SubmitOutcome outcome) {
        for (OutcomeAwareGate h : holders) {
            try {
                h.ended(outcome);
            } catch (RuntimeException e) {
                LOG.error("gate {} failed to record an outcome", h, e);
            }
        }
    }
}
