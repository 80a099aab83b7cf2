package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.RouterErrorInfo;

/**
 * What the Router answered, read once: a decision, the Router's own error, or a reply that breaks the
 * contract ({@code {"ok":true,"decision":{…}}} / {@code {"ok":false,"error":{"code":…}}}).
 */
sealed interface RouterReply {

    /** {@code decision} exactly as received. */
    record Decision(ObjectNode decision) implements RouterReply {
    }

    record Rejected(RouterErrorInfo error, String message) implements RouterReply {
    }

    record Malformed(String why) implements RouterReply {
    }

    /** A decide request's outcome: the decision, the Router's error through the table, or why there is none. */
    static TaskOutcome toOutcome(RouterResponse response) {
        return switch (response) {
            case RouterResponse.NoReply n -> TaskOutcome.failed(ErrorTranslation.fromNoReply(n));
            case RouterResponse.Reply r -> switch (parse(r.body())) {
                case Decision d -> TaskOutcome.decided(d.decision());
                case Rejected rej -> TaskOutcome.failed(ErrorTranslation.fromRouter(rej.error(), rej.message()));
                case Malformed m -> TaskOutcome.failed(ErrorTranslation.badReply(m.why()));
            };
        };
    }

    static RouterReply parse(byte[] body) {
        ObjectNode root;
        try {
            root = Json.parseObject(body == null ? new byte[0] : body);
        } catch (ProtocolException e) {
            return new Malformed(e.getMessage());
        }
        JsonNode ok = root.get("ok");
        if (ok == null || !ok.isBoolean()) {
            return new Malformed("reply has no boolean \"ok\"");
        }
        if (ok.booleanValue()) {
            JsonNode decision = root.get("decision");
            return decision instanceof ObjectNode d ? new Decision(d)
                    : new Malformed("ok reply has no \"decision\" object");
        }
        JsonNode error = root.get("error");
        if (!(error instanceof ObjectNode e) || !e.path("code").isTextual() || e.path("code").asText().isEmpty()) {
            return new Malformed("error reply has no \"error\" object with a string \"code\"");
        }
        JsonNode intake = e.get("intake_error_code");
        JsonNode details = e.get("details");
        return new Rejected(new RouterErrorInfo(e.get("code").asText(),
                intake != null && intake.isTextual() ? intake.asText() : null,
                details != null && !details.isNull() ? details : null),
                e.path("message").isTextual() ? e.get("message").asText() : "");
    }
}
