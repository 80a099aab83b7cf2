package io.beamline.ipc.router.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A decide request that passed validation.
 *
 * @param routingContext constraints merged with metadata (metadata wins), plus the traceparent header
 *                       when the body has none; echoed in {@code decision.metadata}
 * @param deadlineMs     {@code deadline} from the routing context (epoch ms), or null
 * @param traceId        null when absent
 * @param idempotencyKey null when absent
 * @param stream         {@code task.stream} is {@code true}: publish the task's output after the decision
 */
public record DecideRequest(String requestId, String traceId, String tenantId, String policyId, String taskType,
                            String idempotencyKey, ObjectNode routingContext, Long deadlineMs, boolean stream) {

    public static final String DEFAULT_POLICY = "default";

    public ReplyContext replyContext() {
        return new ReplyContext(requestId, traceId);
    }
}
