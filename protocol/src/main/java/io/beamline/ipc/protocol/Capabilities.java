package io.beamline.ipc.protocol;

import java.util.List;

/** Payload of the CAPABILITIES answer: what this gateway speaks and serves. */
public record Capabilities(List<Integer> protocolVersions,
                           List<MessageTypeInfo> messageTypes,
                           int maxFrameBytes,
                           List<String> features,
                           List<ErrorCodeInfo> errorCodes,
                           String gatewayVersion) {

    /** {@code served} tells whether this gateway answers the type with more than NOT_IMPLEMENTED. */
    public record MessageTypeInfo(int code, String name, String direction, boolean served) {
    }

    public record ErrorCodeInfo(int code, String reason, int status, boolean retryable) {

        public static ErrorCodeInfo of(ErrorCode e) {
            return new ErrorCodeInfo(e.code(), e.reason(), e.status(), e.retryable());
        }
    }
}
