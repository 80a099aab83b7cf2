package io.beamline.ipc.router.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code decision} object of a success reply.
 *
 * @param metadata the routing context echoed back, with tenant_id and executed_extensions
 */
public record Decision(String providerId, int priority, String reason, long expectedLatencyMs,
                       double expectedCost, ObjectNode metadata) {
}
