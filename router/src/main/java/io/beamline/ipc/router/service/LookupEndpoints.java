package io.beamline.ipc.router.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.ReplyContext;
import io.beamline.ipc.router.contract.ReplyWriter;
import io.nats.client.Connection;
import io.nats.service.ServiceMessage;
import io.nats.service.ServiceMessageHandler;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code beamline.router.v1.get_decision} and {@code beamline.router.v1.cancel}, both asked with
 * {@code {"request_id":S,"tenant_id":S?}} (cancel also {@code "reason":S?}). get_decision answers the stored
 * decide reply byte for byte (a decision, or the {@code cancelled} error of a cancelled request), or
 * {@code not_found}. cancel answers a reply still held by a delay fault with {@code cancelled} at once and
 * ends a running stream; it replies {@code {"ok":true,"cancelled":B,"context":…}} when asked with an inbox
 * and acts the same, silently, when only published (the gateway's fire-and-forget notice).
 */
final class LookupEndpoints {

    static final String GET_DECISION_SUBJECT = "beamline.router.v1.get_decision";
    static final String CANCEL_SUBJECT = "beamline.router.v1.cancel";
    private static final int MAX_LOOKUP_BYTES = 4096;
    private static final int MAX_REASON_CHARS = 256;

    /** @param reason cancel's reason, cut to {@value #MAX_REASON_CHARS} characters; null when none */
    private record Lookup(String requestId, String tenantId, String reason) {
    }

    private final Connection connection;
    private final ObjectMapper mapper;
    private final ReplyWriter writer;
    private final DecisionLog log;
    private final DelayedReplies delayed;
    private final TaskStreams streams;

    LookupEndpoints(Connection connection, ObjectMapper mapper, DecisionLog log, DelayedReplies delayed,
                    TaskStreams streams) {
        this.connection = connection;
        this.mapper = mapper;
        this.writer = new ReplyWriter(mapper);
        this.log = log;
        this.delayed = delayed;
        this.streams = streams;
    }

    ServiceMessageHandler getDecision() {
        return msg -> {
            if (msg.getReplyTo() != null) { // a lookup nobody waits for has nothing to do
                read(msg, lookup -> answerLookup(msg, lookup));
            }
        };
    }

    ServiceMessageHandler cancel() {
        return msg -> read(msg, lookup -> {
            boolean cancelled = cancel(lookup);
            if (msg.getReplyTo() != null) {
                ObjectNode root = mapper.createObjectNode();
                root.put("ok", true);
                root.put("cancelled", cancelled);
                root.putObject("context").put("request_id", lookup.requestId());
                msg.respond(connection, root.toString());
            }
        });
    }

    private void answerLookup(ServiceMessage msg, Lookup lookup) {
        DecisionLog.Entry e = log.find(lookup.requestId(), lookup.tenantId());
        if (e == null) {
            ContractError nf = new ContractError("not_found", "Decision not found", null,
                    Map.of("context", "No decision for this request_id (unknown, not answered yet, or expired)",
                            "request_id", lookup.requestId()), 404);
            respondError(msg, nf, new ReplyContext(lookup.requestId(), null));
        } else if (e.cancelled()) {
            msg.respond(connection, e.reply(), ReplyHeaders.forReply(e.context(), e.error()));
        } else {
            msg.respond(connection, e.reply());
        }
    }

    /** True when a held reply was answered as cancelled or a running stream was ended. */
    private boolean cancel(Lookup lookup) {
        if (delayed.cancel(lookup.requestId(), lookup.tenantId(), lookup.reason()) > 0) {
            return true;
        }
        // Already answered: the decision stands; only its stream, if still running, can end. Only the
        // decision's own tenant (or a caller naming none) may end it.
        DecisionLog.Entry e = log.find(lookup.requestId(), lookup.tenantId());
        return e != null && !e.cancelled() && streams.cancel(lookup.requestId());
    }

    /** Runs {@code onValid} for a well-formed request; answers a malformed one (when there is an inbox). */
    private void read(ServiceMessage msg, Consumer<Lookup> onValid) {
        byte[] body = msg.getData();
        if (body == null || body.length == 0 || body.length > MAX_LOOKUP_BYTES) {
            respondError(msg, ContractError.schema(body == null || body.length == 0 ? "empty_payload"
                    : "payload_too_large"), ReplyContext.unknown());
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            respondError(msg, ContractError.schema("invalid_format"), ReplyContext.unknown());
            return;
        }
        if (root == null || !root.isObject()) {
            respondError(msg, ContractError.schema("invalid_format"), ReplyContext.unknown());
            return;
        }
        JsonNode id = root.get("request_id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            respondError(msg, ContractError.correlation("missing_request_id"), ReplyContext.unknown());
            return;
        }
        onValid.accept(new Lookup(id.textValue(), text(root.get("tenant_id")), reason(root.get("reason"))));
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static String reason(JsonNode node) {
        String r = text(node);
        if (r == null || r.isEmpty()) {
            return null;
        }
        return r.codePointCount(0, r.length()) <= MAX_REASON_CHARS ? r
                : r.substring(0, r.offsetByCodePoints(0, MAX_REASON_CHARS));
    }

    private void respondError(ServiceMessage msg, ContractError error, ReplyContext context) {
        if (msg.getReplyTo() != null) {
            msg.respond(connection, writer.error(error, context), ReplyHeaders.forReply(context, error));
        }
    }
}
