package io.beamline.ipc.gateway.resilience;

/**
 * How a submit that every gate admitted ended, as the gates that hold something for it need to know
 * ({@link OutcomeAwareGate}): an in-flight slot to give back, a breaker call to record.
 *
 * @param kind    what the Router path did
 * @param nanos   from the submit's admission to its end (0 when it was not sent)
 */
public record SubmitOutcome(Kind kind, long nanos) {

    public enum Kind {
        /** The Router answered: a decision, or a Router error of status below 500 (the Router is working). */
        ROUTER_ANSWERED,
        /** The Router path failed: timeout, a bad reply, a Router error of status 500 or more. */
        ROUTER_FAILED,
        /** NATS down or dropped, or no Router subscribed: nothing answered at all. */
        TRANSPORT_FAILED,
        /** Ended without telling anything about the Router: cancelled by the client, the gateway stopping. */
        IGNORED,
        /** Never sent: a later gate, or the task registry, refused it. */
        NOT_SENT
    }

    public static final SubmitOutcome NOT_SENT = new SubmitOutcome(Kind.NOT_SENT, 0);
}
