package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.RouterErrorInfo;
import java.io.IOException;
import java.util.Arrays;

/**
 * What the Router answered, read once: a decision, the Router's own error, or a reply that breaks the
 * contract ({@code {"ok":true,"decision":{…}}} / {@code {"ok":false,"error":{"code":…}}}).
 *
 * <p>A decision, the common reply, is read without a tree: one pass over the tokens (so the whole reply is
 * checked as strictly as a tree read would) that notes where the decision object lies and copies its bytes.
 * Any other reply is read as a tree, which says precisely what is wrong with it.
 */
sealed interface RouterReply {

    /** {@code decision}: its JSON object, exactly as received. */
    record Decision(byte[] decision) implements RouterReply {
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
        byte[] json = body == null ? new byte[0] : body;
        Decision decision = decision(json);
        return decision != null ? decision : parseTree(json);
    }

    /** The decision of a well-formed {@code "ok":true} reply; null for anything else. */
    private static Decision decision(byte[] json) {
        try (JsonParser p = Json.parser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean ok = false;
            int start = -1;
            int end = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("ok")) {
                    ok = value == JsonToken.VALUE_TRUE;
                } else if (name.equals("decision") && value == JsonToken.START_OBJECT) {
                    start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    end = (int) p.currentLocation().getByteOffset();
                } else {
                    p.skipChildren();
                }
            }
            return ok && start >= 0 && p.nextToken() == null ? new Decision(Arrays.copyOfRange(json, start, end)) : null;
        } catch (ProtocolException | IOException e) {
            return null; // the tree read says what is wrong
        }
    }

    private static RouterReply parseTree(byte[] json) {
        ObjectNode root;
        try {
            root = Json.parseObject(json);
        } catch (ProtocolException e) {
            return new Malformed(e.getMessage());
        }
        JsonNode ok = root.get("ok");
        if (ok == null || !ok.isBoolean()) {
            return new Malformed("reply has no boolean \"ok\"");
        }
        if (ok.booleanValue()) {
            JsonNode decision = root.get("decision");
            return decision instanceof ObjectNode d ? new Decision(Json.write(d))
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
