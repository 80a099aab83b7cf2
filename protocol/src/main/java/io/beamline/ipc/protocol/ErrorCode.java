package io.beamline.ipc.protocol;

/**
 * Every error a client can see, as one table: IPC code, HTTP-like status, stable reason, retryability.
 * Codes 0-6 and 99 are the C gateway's and keep their meaning; 7 and up are ours.
 * Router errors map onto these codes (the gateway's ErrorTranslation table); {@code status} and {@code reason}
 * of an answer may be finer than a code's defaults (e.g. ROUTER_ERROR with status 403, reason validator_blocked).
 * docs/PROTOCOL.md renders this table; tests assert against it.
 */
public enum ErrorCode {
    OK(0, 200, "ok", false, "No error."),
    INVALID_VERSION(1, 400, "invalid_version", false,
            "The frame's version byte is not supported; the connection is closed after the answer."),
    INVALID_TYPE(2, 400, "invalid_type", false,
            "Unknown message type, or a server-to-client type sent by a client; the connection stays open."),
    FRAME_TOO_LARGE(3, 413, "frame_too_large", false,
            "Declared frame length is above the maximum frame size; the connection is closed after the answer."),
    INVALID_PAYLOAD(4, 400, "invalid_payload", false,
            "Payload is not what the type requires (a JSON object, valid UTF-8, required fields), "
                    + "or the declared length is below the 6-byte header (then the connection is closed)."),
    TIMEOUT(5, 504, "timeout", true, "The request's deadline passed before an answer came."),
    CONNECTION_CLOSED(6, 499, "connection_closed", true, "The connection closed before the answer."),
    UNAVAILABLE(7, 503, "unavailable", true, "A dependency (the Router, NATS) cannot be reached right now."),
    OVERLOADED(8, 503, "overloaded", true,
            "A gateway limit is reached (connections, requests in flight); retry after the hint."),
    RATE_LIMITED(9, 429, "rate_limited", true, "A rate limit is exceeded; retry after the hint."),
    CANCELLED(10, 499, "cancelled", false, "The request was cancelled."),
    NOT_FOUND(11, 404, "not_found", false, "The task (or another named thing) is not known."),
    PERMISSION_DENIED(12, 403, "permission_denied", false,
            "The peer's credentials are not allowed; the connection is closed after the answer."),
    NOT_IMPLEMENTED(13, 501, "not_implemented", false,
            "The message type is valid but this gateway does not serve it yet."),
    ROUTER_ERROR(14, 500, "router_error", false,
            "The Router refused or failed the request; status, reason and error.router say which error it sent."),
    BAD_GATEWAY(15, 502, "bad_gateway", false, "The Router's reply could not be understood."),
    INTERNAL(99, 500, "internal", false, "An unexpected failure inside the gateway.");

    private final int code;
    private final int status;
    private final String reason;
    private final boolean retryable;
    private final String description;

    ErrorCode(int code, int status, String reason, boolean retryable, String description) {
        this.code = code;
        this.status = status;
        this.reason = reason;
        this.retryable = retryable;
        this.description = description;
    }

    public int code() {
        return code;
    }

    /** The HTTP status an HTTP user would expect for this error. */
    public int status() {
        return status;
    }

    /** Stable machine-readable reason; a finer reason may replace it in a given answer. */
    public String reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    public String description() {
        return description;
    }

    /** The error with this code, or {@link #INTERNAL} for a code this version does not know. */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return INTERNAL;
    }
}
