package io.beamline.ipc.protocol;

/**
 * A violation of the protocol, carrying the error code the peer is answered with, and the reason when it is
 * finer than the code's own (docs/PROTOCOL.md lists them).
 */
public class ProtocolException extends RuntimeException {

    private final ErrorCode code;
    private final String reason;

    public ProtocolException(ErrorCode code, String message) {
        this(code, code.reason(), message);
    }

    public ProtocolException(ErrorCode code, String reason, String message) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    public ErrorCode code() {
        return code;
    }

    /** The stable reason answered: the code's own, or a finer one such as {@code json_too_deep}. */
    public String reason() {
        return reason;
    }

    /** The error body this violation is answered with. */
    public ErrorBody toErrorBody() {
        return ErrorBody.of(code, reason, getMessage());
    }
}
