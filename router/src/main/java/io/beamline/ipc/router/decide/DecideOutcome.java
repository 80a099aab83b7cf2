package io.beamline.ipc.router.decide;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.Decision;

/** The engine's answer to one valid request: a decision or a routing error. */
public sealed interface DecideOutcome {

    record Decided(Decision decision) implements DecideOutcome {
    }

    record Refused(ContractError error) implements DecideOutcome {
    }
}
