package io.beamline.ipc.router.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Encodes replies in the contract's exact shapes. */
public final class ReplyWriter {

    private final ObjectMapper mapper;

    public ReplyWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] success(Decision decision, ReplyContext context) {
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", true);
        ObjectNode d = root.putObject("decision");
        d.put("provider_id", decision.providerId());
        d.put("priority", decision.priority());
        d.put("reason", decision.reason());
        d.put("expected_latency_ms", decision.expectedLatencyMs());
        d.put("expected_cost", decision.expectedCost());
        d.set("metadata", decision.metadata());
        putContext(root, context);
        return write(root);
    }

    public byte[] error(ContractError error, ReplyContext context) {
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", false);
        ObjectNode e = root.putObject("error");
        e.put("code", error.code());
        e.put("message", error.message());
        if (error.intakeErrorCode() != null) {
            e.put("intake_error_code", error.intakeErrorCode().name());
        }
        if (error.details() != null) {
            ObjectNode details = e.putObject("details");
            for (Map.Entry<String, Object> entry : error.details().entrySet()) {
                details.set(entry.getKey(), mapper.valueToTree(entry.getValue()));
            }
        }
        putContext(root, context);
        return write(root);
    }

    private static void putContext(ObjectNode root, ReplyContext context) {
        ObjectNode c = root.putObject("context");
        c.put("request_id", context.requestId());
        if (context.traceId() != null) {
            c.put("trace_id", context.traceId());
        }
    }

    private byte[] write(ObjectNode root) {
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            // Only our own trees are written here; a failure is a bug, not bad input.
            throw new IllegalStateException("cannot encode reply", e);
        }
    }
}
