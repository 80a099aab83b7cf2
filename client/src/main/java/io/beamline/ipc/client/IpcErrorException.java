package io.beamline.ipc.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import java.util.Optional;

/**
 * The gateway answered a request with RESPONSE_ERROR. The message reads like
 * {@code error 13 not_implemented (501): <gateway message>}.
 *
 * <p>Answers from gateways that send only {@code code} and {@code message} (the C gateway) get
 * {@code status}, {@code reason} and {@code retryable} filled in from {@link ErrorCode}'s table when the
 * code is one it knows.
 */
public final class IpcErrorException extends RuntimeException implements GatewayError {

    private final ErrorResponse response;
    private final ObjectNode payload;

    public IpcErrorException(ErrorResponse response, ObjectNode payload) {
        super(describe(response.error()));
        this.response = response;
        this.payload = payload.deepCopy();
    }

    @Override
    public ErrorBody error() {
        return response.error();
    }

    /** HTTP-like status. */
    public int status() {
        return error().status();
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
