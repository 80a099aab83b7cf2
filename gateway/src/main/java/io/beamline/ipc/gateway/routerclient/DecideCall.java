package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One submit, ready for the Router: the DecideRequest JSON, the NATS headers, and what the gateway keeps
 * for its answer (task id, trace id), its deadline (the client's deadline_ms, if it gave one) and whether
 * the output streams after the decision.
 */
public record DecideCall(String taskId, String traceId, String tenantId, ObjectNode request,
                         Map<String, String> headers, Optional<Duration> requestedDeadline, boolean stream) {

    /** Where the Router publishes the task's output: {@code beamline.router.v1.stream.<request_id>}. */
    public String streamSubject(String prefix) {
        return prefix + "." + taskId;
    }
}
