package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The gateway answered a request with RESPONSE_ERROR. The message reads like
 * {@code error 13 not_implemented (501): <gateway message>}.
 *
 * <p>Answers from gateways that send only {@code code} and {@code message} (the C gateway) get
 * {@code status}, {@code reason} and {@code retryable} filled in from {@link ErrorCode}'s table when the
 * code is one it knows.
 */
public final class IpcErrorException extends RuntimeException {

    private final ErrorResponse response;
    private final ObjectNode payload;

    public IpcErrorException(ErrorResponse response, ObjectNode payload) {
        super(describe(response.error()));
        this.response = response;
        this.payload = payload.deepCopy();
    }

    /** The parsed {@code error} object. */
    public ErrorBody error() {
        return response.error();
    }

    /** The numeric IPC error code as sent. */
    public int code() {
        return error().code();
    }

    /** The code as an {@link ErrorCode}; a code this version does not know maps to {@link ErrorCode#INTERNAL}. */
    public ErrorCode errorCode() {
        return error().errorCode();
    }

    /** HTTP-like status. */
    public int status() {
        return error().status();
    }

    public String reason() {
        return error().reason();
    }

    /** The gateway's human-readable message (without the code prefix that {@link #getMessage()} adds). */
    public String errorMessage() {
        return error().message();
    }

    public boolean retryable() {
        return error().retryable();
    }

    /** The gateway's hint for when to retry, when it gave one. */
    public OptionalLong retryAfterMs() {
        Long ms = error().retryAfterMs();
        return ms == null ? OptionalLong.empty() : OptionalLong.of(ms);
    }

    public Optional<String> taskId() {
        return Optional.ofNullable(response.taskId());
    }

    public Optional<String> traceId() {
        return Optional.ofNullable(response.traceId());
    }

    /** The whole RESPONSE_ERROR payload as received (a copy), unknown fields included. */
    public ObjectNode payload() {
        return payload.deepCopy();
    }

    static String describe(ErrorBody e) {
        String reason = e.reason() == null ? "unknown" : e.reason();
        String status = e.status() > 0 ? " (" + e.status() + ")" : "";
        return "error " + e.code() + " " + reason + status + ": " + e.message();
    }
}
