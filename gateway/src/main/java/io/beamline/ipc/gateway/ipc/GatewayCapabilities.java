package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.Capabilities.ErrorCodeInfo;
import io.beamline.ipc.protocol.Capabilities.MessageTypeInfo;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What this gateway tells clients about itself in answer to CAPABILITIES: fixed at start, except
 * {@code nats_max_payload}, which the NATS server announces on connect (and may change on a reconnect), and
 * {@code admin_url}, known once the admin endpoint has its port.
 */
final class GatewayCapabilities {

    /** One encoded answer: the document it was made from and the NATS limit it states (-1: none). */
    private record Encoded(Capabilities base, long natsMaxPayload, Frame frame) {
    }

    private volatile Capabilities described;
    private volatile Encoded last;

    GatewayCapabilities(int maxFrameBytes) {
        described = describe(maxFrameBytes);
        last = new Encoded(described, -1, encode(described));
    }

    /** From now on the answer names the admin endpoint (set once, at start, when it is on). */
    void advertiseAdmin(String url) {
        described = described.withAdminUrl(url);
    }

    /** The answer, stating {@code natsMaxPayload} when known; encoded again only when it or the document changes. */
    Frame answer(OptionalLong natsMaxPayload) {
        long max = natsMaxPayload.orElse(-1);
        Capabilities base = described;
        Encoded e = last;
        if (e.natsMaxPayload() != max || e.base() != base) {
            e = new Encoded(base, max, encode(base.withNatsMaxPayload(max < 0 ? null : max)));
            last = e;
        }
        return e.frame();
    }

    private static Frame encode(Capabilities capabilities) {
        return Frame.of(MessageType.RESPONSE_OK, Json.write(capabilities));
    }

    static Capabilities describe(int maxFrameBytes) {
        List<MessageTypeInfo> types = new ArrayList<>();
        for (MessageType t : MessageType.values()) {
            types.add(new MessageTypeInfo(t.code(), t.name(), t.direction().name().toLowerCase(Locale.ROOT),
                    served(t)));
        }
        List<String> features = List.of("pipelining", "peer_credentials", "error_details", "tasks", "multiplexing",
                "streaming", "stream_resume", "cancel_by_request_id");
        return new Capabilities(List.of(Frame.V1, Frame.V2), types, maxFrameBytes, features,
                Arrays.stream(ErrorCode.values()).map(ErrorCodeInfo::of).toList(), version());
    }

    private static boolean served(MessageType t) {
        return switch (t) {
            case PING, CAPABILITIES, PONG, RESPONSE_OK, RESPONSE_ERROR, TASK_SUBMIT, TASK_QUERY, TASK_CANCEL,
                 STREAM_SUBSCRIBE, STREAM_DATA, STREAM_COMPLETE, STREAM_ERROR -> true;
        };
    }

    /** From the jar manifest; "dev" when running from classes (tests, IDE). */
    static String version() {
        String v = GatewayCapabilities.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
