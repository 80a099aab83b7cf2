package io.beamline.ipc.router.fault;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.DecideRequest;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chooses the faults of one decide request: the request's fault headers laid over its (tenant, policy)'s
 * {@code faults}. When the Router was not started with {@code --enable-faults} this always answers
 * {@link FaultPlan#NONE}, whatever the headers or policies say.
 */
public final class FaultInjector {

    /** The faults a (tenant, policy) asks for, {@link FaultPlan#NONE} when none: the policies' business. */
    @FunctionalInterface
    public interface PolicyFaults {
        FaultPlan of(String tenantId, String policyId);
    }

    /** What a {@code malformed} fault replies: not JSON, so a gateway must treat it as a bad upstream reply. */
    static final byte[] MALFORMED_BODY = "<<beamline-router injected fault: malformed reply, not JSON>>"
            .getBytes(StandardCharsets.US_ASCII);

    private final boolean enabled;
    private final PolicyFaults policies;
    private final FaultHeaders headers;

    public FaultInjector(boolean enabled, PolicyFaults policies, FaultHeaders headers) {
        this.enabled = enabled;
        this.policies = policies;
        this.headers = headers;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * @param request null when the request did not pass validation (only header faults apply then)
     * @throws FaultSpecException for a fault header with an unusable value (only when enabled)
     */
    public FaultPlan plan(Headers h, DecideRequest request) {
        if (!enabled) {
            return FaultPlan.NONE;
        }
        FaultPlan fromPolicy = request == null ? FaultPlan.NONE : policies.of(request.tenantId(), request.policyId());
        return headers.read(h).over(fromPolicy);
    }

    /** The contract's error shape for a forced error: message {@code Routing failed}, details naming the fault. */
    public static ContractError error(ForcedError forced, DecideRequest request) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("context", "Injected fault: forced error " + forced.code());
        details.put("fault", "error");
        if (request != null) {
            details.put("tenant_id", request.tenantId());
            details.put("policy_id", request.policyId());
        }
        details.putAll(forced.details());
        return new ContractError(forced.code(), forced.message() == null ? ContractError.ROUTING_FAILED
                : forced.message(), null, details, ContractError.serviceStatusOf(forced.code()));
    }

    /** A fault header with a bad value: the test asked for something impossible, so say so loudly. */
    public static ContractError badFaultSpec(FaultSpecException e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("context", "Invalid fault injection request");
        details.put("fault_field", e.field());
        details.put("reason", e.getMessage());
        return new ContractError(ContractError.INTERNAL, ContractError.ROUTING_FAILED, null, details, 500);
    }

    /** More delayed replies pending than the Router holds: answered at once rather than held unbounded. */
    public static ContractError delayQueueFull(int maxPending) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("context", "Fault queue full: too many delayed replies pending");
        details.put("fault", "delay");
        details.put("max_delayed_replies", maxPending);
        return new ContractError(ContractError.INTERNAL, ContractError.ROUTING_FAILED, null, details, 500);
    }

    public static byte[] malformedBody() {
        return MALFORMED_BODY.clone();
    }
}
