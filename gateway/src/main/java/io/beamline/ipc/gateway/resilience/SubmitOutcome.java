package io.beamline.ipc.gateway.resilience;

import io.beamline.ipc.gateway.routerclient.ErrorTranslation;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.Set;

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

    /** Failures of the transport rather than of an answer: the breaker may forgive them after a reconnect. */
    private static final Set<String> TRANSPORT_REASONS = Set.of(ErrorTranslation.NO_RESPONDERS,
            ErrorTranslation.NATS_DISCONNECTED, ErrorTranslation.NATS_UNAVAILABLE);

    /**
     * What an outcome says about the Router, as the breaker counts it: an answer below 500 (a decision, a 4xx)
     * shows it working; 500 and more, timeouts and transport failures count against it; the gateway's own
     * stop and cancellations say nothing.
     */
    public static SubmitOutcome of(TaskOutcome outcome, long nanos) {
        return new SubmitOutcome(switch (outcome) {
            case TaskOutcome.Decided d -> Kind.ROUTER_ANSWERED;
            case TaskOutcome.Failed f -> kindOf(f.error());
        }, nanos);
    }

    private static Kind kindOf(ErrorBody error) {
        if (error.code() == ErrorCode.CANCELLED.code() || ErrorTranslation.SHUTTING_DOWN.equals(error.reason())) {
            return Kind.IGNORED;
        }
        if (error.status() < 500) {
            return Kind.ROUTER_ANSWERED;
        }
        return TRANSPORT_REASONS.contains(error.reason()) ? Kind.TRANSPORT_FAILED : Kind.ROUTER_FAILED;
    }
}
