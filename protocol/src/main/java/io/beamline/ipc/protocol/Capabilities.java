package io.beamline.ipc.protocol;

import java.util.List;

/**
 * Payload of the CAPABILITIES answer: what this gateway speaks and serves.
 *
 * @param natsMaxPayload the largest DecideRequest (headers and body, bytes) the NATS server takes, as it
 *                       announced; null (absent) while the gateway is connected to none
 * @param adminUrl       the gateway's loopback admin endpoint ({@code http://127.0.0.1:PORT}, serving
 *                       {@code /status}, {@code /metrics}, {@code /health/*}); null (absent) when it is off
 */
public record Capabilities(List<Integer> protocolVersions,
                           List<MessageTypeInfo> messageTypes,
                           int maxFrameBytes,
                           List<String> features,
                           List<ErrorCodeInfo> errorCodes,
                           String gatewayVersion,
                           Long natsMaxPayload,
                           String adminUrl) {

    /** Without an admin endpoint. */
    public Capabilities(List<Integer> protocolVersions, List<MessageTypeInfo> messageTypes, int maxFrameBytes,
                        List<String> features, List<ErrorCodeInfo> errorCodes, String gatewayVersion,
                        Long natsMaxPayload) {
        this(protocolVersions, messageTypes, maxFrameBytes, features, errorCodes, gatewayVersion, natsMaxPayload,
                null);
    }

    /** Without a NATS limit (none known). */
    public Capabilities(List<Integer> protocolVersions, List<MessageTypeInfo> messageTypes, int maxFrameBytes,
                        List<String> features, List<ErrorCodeInfo> errorCodes, String gatewayVersion) {
        this(protocolVersions, messageTypes, maxFrameBytes, features, errorCodes, gatewayVersion, null);
    }

    public Capabilities withNatsMaxPayload(Long maxPayload) {
        return new Capabilities(protocolVersions, messageTypes, maxFrameBytes, features, errorCodes, gatewayVersion,
                maxPayload, adminUrl);
    }

    public Capabilities withAdminUrl(String url) {
        return new Capabilities(protocolVersions, messageTypes, maxFrameBytes, features, errorCodes, gatewayVersion,
                natsMaxPayload, url);
    }

    /** {@code served} tells whether this gateway answers the type with more than NOT_IMPLEMENTED. */
    public record MessageTypeInfo(int code, String name, String direction, boolean served) {
    }

    public record ErrorCodeInfo(int code, String reason, int status, boolean retryable) {

        public static ErrorCodeInfo of(ErrorCode e) {
            return new ErrorCodeInfo(e.code(), e.reason(), e.status(), e.retryable());
        }
    }
}
