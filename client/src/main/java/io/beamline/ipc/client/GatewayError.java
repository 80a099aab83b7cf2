package io.beamline.ipc.client;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.OptionalLong;

/** The fields of the gateway's error object, read alike from a RESPONSE_ERROR and from a STREAM_ERROR. */
public interface GatewayError {

    /** The parsed {@code error} object. */
    ErrorBody error();

    /** The numeric IPC error code as sent. */
    default int code() {
        return error().code();
    }

    /** The code as an {@link ErrorCode}; a code this version does not know maps to {@link ErrorCode#INTERNAL}. */
    default ErrorCode errorCode() {
        return error().errorCode();
    }

    default String reason() {
        return error().reason();
    }

    /** The gateway's human-readable message. */
    default String errorMessage() {
        return error().message();
    }

    default boolean retryable() {
        return error().retryable();
    }

    /** The gateway's hint for when to retry, when it gave one. */
    default OptionalLong retryAfterMs() {
        Long ms = error().retryAfterMs();
        return ms == null ? OptionalLong.empty() : OptionalLong.of(ms);
    }
}
