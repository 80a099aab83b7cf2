package io.beamline.ipc.router.policy;

/**
 * One provider of a policy. {@code expectedLatencyMs} and {@code expectedCost} are optional in the DSL
 * (0 and 0.0 when absent) and are copied into the decision.
 */
public record Provider(String name, double weight, long expectedLatencyMs, double expectedCost) {
}
