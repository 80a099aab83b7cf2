package io.beamline.ipc.router.contract;

/** What {@link DecideRequestParser} makes of one message: a valid request or the error to reply with. */
public sealed interface ParseOutcome {

    record Valid(DecideRequest request) implements ParseOutcome {
    }

    /** @param context what could be read of request_id and trace_id before the request was rejected */
    record Invalid(ContractError error, ReplyContext context) implements ParseOutcome {
    }
}
