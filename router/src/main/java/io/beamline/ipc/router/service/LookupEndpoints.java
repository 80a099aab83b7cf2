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

/**
 * {@code beamline.router.v1.get_decision} and {@code beamline.router.v1.cancel}, both asked with
 * {@code {"request_id":S,"tenant_id":S?}}. get_decision answers the stored decide reply byte for byte, or
 * {@code not_found}; cancel forgets the decision and answers {@code {"ok":true,"cancelled":B,"context":…}}.
 */
final class LookupEndpoints {

    static final String GET_DECISION_SUBJECT = "beamline.router.v1.get_decision";
    static final String CANCEL_SUBJECT = "beamline.router.v1.cancel";
    private static final int MAX_LOOKUP_BYTES = 4096;

    private record Lookup(String requestId, String tenantId) {
    }

    private final Connection connection;
    private final ObjectMapper mapper;
    private final ReplyWriter writer;
    private final DecisionLog log;
    private final TaskStreams streams;

    LookupEndpoints(Connection connection, ObjectMapper mapper, DecisionLog log, TaskStreams streams) {
        this.connection = connection;
        this.mapper = mapper;
        this.writer = new ReplyWriter(mapper);
        this.log = log;
        this.streams = streams;
    }

    ServiceMessageHandler getDecision() {
        return msg -> answer(msg, lookup -> {
            DecisionLog.Entry e = log.find(lookup.requestId(), lookup.tenantId());
            if (e == null) {
                ContractError nf = new ContractError("not_found", "Decision not found", null,
                        Map.of("context", "No decision for this request_id (unknown, expired or cancelled)",
                                "request_id", lookup.requestId()), 404);
                respondError(msg, nf, new ReplyContext(lookup.requestId(), null));
            } else {
                msg.respond(connection, e.reply());
            }
        });
    }

    ServiceMessageHandler cancel() {
        return msg -> answer(msg, lookup -> {
            ObjectNode root = mapper.createObjectNode();
            root.put("ok", true);
            boolean forgotten = log.forget(lookup.requestId(), lookup.tenantId());
            if (forgotten) {
                // Only the decision's own tenant (or a caller naming none) may end its stream.
                streams.cancel(lookup.requestId());
            }
            root.put("cancelled", forgotten);
            root.putObject("context").put("request_id", lookup.requestId());
            msg.respond(connection, root.toString());
        });
    }

    private void answer(ServiceMessage msg, java.util.function.Consumer<Lookup> onValid) {
        if (msg.getReplyTo() == null) {
            return;
        }
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
        JsonNode id = root == null ? null : root.get("request_id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            respondError(msg, ContractError.correlation("missing_request_id"), ReplyContext.unknown());
            return;
        }
        JsonNode tenant = root.get("tenant_id");
        onValid.accept(new Lookup(id.textValue(), tenant != null && tenant.isTextual() ? tenant.textValue() : null));
    }

    private void respondError(ServiceMessage msg, ContractError error, ReplyContext context) {
        msg.respond(connection, writer.error(error, context), ReplyHeaders.forReply(context, error));
    }
}
