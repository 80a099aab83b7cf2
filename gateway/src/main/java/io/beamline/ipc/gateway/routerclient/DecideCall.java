package io.beamline.ipc.gateway.routerclient;

import java.time.Duration;
import java.util.Map;

/**
 * One submit, ready for the Router: the DecideRequest JSON, the NATS headers, and what the gateway keeps
 * for its answer (task id, trace id) and whether the output streams after the decision.
 *
 * @param taskType the task's type (the submit's {@code task_type}, or its legacy task name): for the logs
 * @param body     the DecideRequest, JSON as it goes on the wire
 * @param deadline how long the gateway waits for the Router: the effective deadline, decided once by
 *                 {@link DecideRequestMapper} (the request's {@code metadata.deadline} tells the Router the same)
 */
public record DecideCall(String taskId, String traceId, String tenantId, String taskType, byte[] body,
                         Map<String, String> headers, Duration deadline, boolean stream) {

    /**
     * The same request sent under another span of its trace (tracing on: the Router call's client span), which
     * the Router's {@code traceparent} and {@code span_id} headers then name.
     */
    public DecideCall sentUnder(String traceparent) {
        return TraceContext.parse(traceparent)
                .map(span -> new DecideCall(taskId, traceId, tenantId, taskType, body,
                        DecideRequestMapper.headers(span, tenantId, taskId), deadline, stream))
                .orElse(this);
    }

    /** Where the Router publishes the task's output: {@code beamline.router.v1.stream.<request_id>}. */
    public String streamSubject(String prefix) {
        return prefix + "." + taskId;
    }
}
