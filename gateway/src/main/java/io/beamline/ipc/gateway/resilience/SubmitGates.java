package io.beamline.ipc.gateway.resilience;

import io.beamline.ipc.gateway.task.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gates a submit passes before it reaches the Router, asked in order; the first refusal is the client's
 * answer, so refusing is cheap and never touches NATS.
 */
public final class SubmitGates {

    private final List<SubmitGate> gates;

    public SubmitGates(List<SubmitGate> gates) {
        this.gates = List.copyOf(gates);
    }

    public Admission admit(String tenantId, Caller caller) {
        List<OutcomeAwareGate> holders = new ArrayList<>(2);
        for (SubmitGate gate : gates) {
            var refused = gate.admit(tenantId, caller);
            if (refused.isPresent()) {
                Admission.tell(holders, SubmitOutcome.NOT_SENT); // the gates before it gave something
                return new Admission(List.of(), refused);
            }
            if (gate instanceof OutcomeAwareGate holder) {
                holders.add(holder);
            }
        }
        return new Admission(holders, Optional.empty());
    }
}
