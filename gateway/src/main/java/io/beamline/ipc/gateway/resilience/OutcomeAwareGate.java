package io.beamline.ipc.gateway.resilience;

/**
 * A {@link SubmitGate} that holds something for each submit it admits (an in-flight slot, a half-open probe
 * of the breaker). For every admit that returned empty it hears {@link #ended} exactly once: with the
 * Router path's outcome, or {@link SubmitOutcome.Kind#NOT_SENT} when a later gate (or the task registry)
 * refused the submit after all.
 */
public interface OutcomeAwareGate extends SubmitGate {

    void ended(SubmitOutcome outcome);
}
