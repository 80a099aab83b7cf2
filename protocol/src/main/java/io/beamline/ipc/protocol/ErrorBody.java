package io.beamline.ipc.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code error} object of a RESPONSE_ERROR payload. {@code code} is what v1 clients read; the other
 * fields let newer clients act without parsing messages. {@code details} carries extra context;
 * {@code router} the Router's own error when the Router sent one.
 */
public record ErrorBody(int code, int status, String reason, String message, boolean retryable,
                        Long retryAfterMs, JsonNode details, RouterErrorInfo router) {

    /** The body without a Router error (the shape before the Router bridge). */
    public ErrorBody(int code, int status, String reason, String message, boolean retryable, Long retryAfterMs,
                     JsonNode details) {
        this(code, status, reason, message, retryable, retryAfterMs, details, null);
    }

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(code.code(), code.status(), code.reason(), message, code.retryable(), null, null);
    }

    public static ErrorBody of(ErrorCode code, String reason, String message) {
        return new ErrorBody(code.code(), code.status(), reason, message, code.retryable(), null, null);
    }

    /**
     * A submit too large for the NATS server's {@code max_payload}: code 4 with status 413 and reason
     * {@code exceeds_nats_max_payload} (docs/PROTOCOL.md, "Too large for NATS"), whether its payload alone or its
     * DecideRequest is too large.
     */
    public static ErrorBody exceedsNatsMaxPayload(String message) {
        return new ErrorBody(ErrorCode.INVALID_PAYLOAD.code(), 413, "exceeds_nats_max_payload", message, false, null,
                null);
    }

    public ErrorBody withRetryAfterMs(long millis) {
        return new ErrorBody(code, status, reason, message, retryable, millis, details, router);
    }

    public ErrorBody withRouter(RouterErrorInfo routerError) {
        return new ErrorBody(code, status, reason, message, retryable, retryAfterMs, details, routerError);
    }

    public ErrorCode errorCode() {
        return ErrorCode.fromCode(code);
    }
}
