package io.beamline.ipc.router.policy;

/** Policies are looked up by tenant and policy id, as in the Erlang Router. */
public record PolicyKey(String tenantId, String policyId) {
}
