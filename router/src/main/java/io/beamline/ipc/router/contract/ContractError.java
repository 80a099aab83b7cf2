package io.beamline.ipc.router.contract;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One error reply of the decide contract: {@code error.code}, {@code error.message}, optional
 * {@code error.intake_error_code} and {@code error.details}. {@code serviceStatus} is the number sent in the
 * NATS service error header (HTTP-like, after the contract's gateway mapping table).
 *
 * @param details null when the reply has no {@code details} object (validation errors have none)
 */
public record ContractError(String code, String message, IntakeErrorCode intakeErrorCode,
                            Map<String, Object> details, int serviceStatus) {

    public static final String INVALID_REQUEST = "invalid_request";
    public static final String INTERNAL = "internal";
    public static final String POLICY_NOT_FOUND = "policy_not_found";
    public static final String DECISION_FAILED = "decision_failed";
    public static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";
    public static final String DEADLINE_EXCEEDED = "deadline_exceeded";
    public static final String CANCELLED = "cancelled";

    /** The message of every routing error; the real reason is in {@code details}. */
    public static final String ROUTING_FAILED = "Routing failed";

    /** The service error number for a code, after the contract's gateway mapping table; 500 for unknown codes. */
    public static int serviceStatusOf(String code) {
        return switch (code) {
            case INVALID_REQUEST -> 400;
            case "unauthorized" -> 401;
            case "validator_blocked" -> 403;
            case POLICY_NOT_FOUND, "extension_not_found", "not_found" -> 404;
            case RATE_LIMIT_EXCEEDED -> 429;
            case "extension_unavailable" -> 503;
            case DEADLINE_EXCEEDED, "extension_timeout" -> 504;
            case CANCELLED -> 499; // "client closed request", as the gateway maps cancelled
            default -> 500;
        };
    }

    public ContractError {
        details = details == null ? null : Map.copyOf(details);
    }

    /** Not JSON, not an object, empty, too big, not UTF-8, too deep: the body could not be read. */
    public static ContractError schema(String reason) {
        return new ContractError(INVALID_REQUEST, "Schema validation failed: " + reason,
                IntakeErrorCode.SCHEMA_VALIDATION_FAILED, null, 400);
    }

    public static ContractError versionUnsupported(String version) {
        return new ContractError(INVALID_REQUEST,
                "Unsupported schema version: " + version + ", supported versions: [1]",
                IntakeErrorCode.VERSION_UNSUPPORTED, null, 400);
    }

    /** {@code reason} is one of the contract's snake_case reasons, e.g. {@code missing_task}. */
    public static ContractError correlation(String reason) {
        return new ContractError(INVALID_REQUEST, "Correlation fields validation failed: " + reason,
                IntakeErrorCode.CORRELATION_FIELDS_INVALID, null, 400);
    }

    /** What the Erlang Router answers when its validator itself crashes, e.g. on a numeric version. */
    public static ContractError internalValidation(String reason) {
        return new ContractError(INTERNAL, "Internal validation error: " + reason,
                IntakeErrorCode.INTERNAL_VALIDATION_ERROR, null, 500);
    }

    public static ContractError policyNotFound(String tenantId, String policyId) {
        return routing(POLICY_NOT_FOUND, 404, details("Policy not found in store", tenantId, policyId));
    }

    public static ContractError decisionFailed(String tenantId, String policyId) {
        return routing(DECISION_FAILED, 500,
                details("No provider available: weights failed and no fallback configured", tenantId, policyId));
    }

    public static ContractError rateLimited(String tenantId, String policyId, long retryAfterMs) {
        Map<String, Object> d = details("Policy rate limit exceeded", tenantId, policyId);
        d.put("retry_after_ms", retryAfterMs);
        return new ContractError(RATE_LIMIT_EXCEEDED, "Rate limit exceeded", null, d, 429);
    }

    public static ContractError deadlineExceeded(String tenantId, String policyId, long deadlineMs, long nowMs) {
        Map<String, Object> d = details("Deadline already passed", tenantId, policyId);
        d.put("deadline", deadlineMs);
        d.put("now_ms", nowMs);
        return routing(DEADLINE_EXCEEDED, 504, d);
    }

    /**
     * A request answered by {@code beamline.router.v1.cancel} before its own reply was sent.
     *
     * @param reason the cancel's {@code reason}, or null when it gave none
     */
    public static ContractError cancelled(String requestId, String reason) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("context", "Cancelled before the reply was sent");
        d.put("request_id", requestId);
        if (reason != null) {
            d.put("reason", reason);
        }
        return new ContractError(CANCELLED, "Request cancelled", null, d, 499);
    }

    /** A fault of the Router itself; the reason goes to details, never a stack trace. */
    public static ContractError internal(String reason) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("context", reason);
        return routing(INTERNAL, 500, d);
    }

    private static ContractError routing(String code, int status, Map<String, Object> details) {
        return new ContractError(code, ROUTING_FAILED, null, details, status);
    }

    private static Map<String, Object> details(String context, String tenantId, String policyId) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("context", context);
        d.put("tenant_id", tenantId);
        d.put("policy_id", policyId);
        return d;
    }
}
