package io.beamline.ipc.router.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads and validates a DecideRequest in the order of the Erlang Router's intake: schema (UTF-8 JSON object
 * within the size cap), version, correlation fields (tenant, run/flow/step, id formats, idempotency key),
 * then the decide fields (request_id, task). The first failing rule decides the reply.
 *
 * <p>Headers fill fields the body lacks; where both are present the body wins. JSON {@code null} counts as
 * absent.
 */
public final class DecideRequestParser {

    /** The contract's cap on a request body. */
    public static final int MAX_BODY_BYTES = 1_048_576;
    /** Deeper documents are refused before they reach a recursive walk. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final int MIN_PAYLOAD_BYTES = 10;
    private static final int MAX_IDEMPOTENCY_KEY_BYTES = 256;
    private static final int MAX_ID_CHARS = 128;
    private static final int MAX_ECHOED_VERSION_CHARS = 64;

    private final ObjectMapper mapper;
    private final int maxBodyBytes;

    public DecideRequestParser() {
        this(MAX_BODY_BYTES);
    }

    public DecideRequestParser(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Numbers are echoed in decision.metadata as sent: 1e999999 must not become "Infinity".
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH).build());
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public ParseOutcome parse(byte[] body, RequestHeaders headers) {
        if (body == null || body.length == 0) {
            return invalid(ContractError.schema("empty_payload"), ReplyContext.unknown());
        }
        if (body.length > maxBodyBytes) {
            return invalid(ContractError.schema("payload_too_large"), ReplyContext.unknown());
        }
        String text;
        try {
            // Strict: Jackson would otherwise guess UTF-16/32 or pass malformed bytes inside strings.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return invalid(ContractError.schema("invalid_encoding"), ReplyContext.unknown());
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (StreamConstraintsException e) {
            // Jackson's limits: nesting depth, number length (1000 digits), string length.
            String reason = String.valueOf(e.getMessage()).contains("nesting") ? "nesting_too_deep" : "limits_exceeded";
            return invalid(ContractError.schema(reason), ReplyContext.unknown());
        } catch (JsonProcessingException e) {
            return invalid(ContractError.schema("invalid_format"), ReplyContext.unknown());
        } catch (NumberFormatException e) {
            // Valid JSON no BigDecimal can hold (an exponent beyond an int, e.g. 4e4444444444): Jackson throws
            // this, not a JsonProcessingException (found by DecideRequestParserFuzzTest).
            return invalid(ContractError.schema("limits_exceeded"), ReplyContext.unknown());
        }
        if (!(root instanceof ObjectNode obj)) {
            return invalid(ContractError.schema("invalid_format"), ReplyContext.unknown());
        }
        return validate(obj, headers == null ? RequestHeaders.NONE : headers);
    }

    private ParseOutcome validate(ObjectNode obj, RequestHeaders headers) {
        JsonNode traceNode = field(obj, "trace_id", headers.traceId());
        ReplyContext context = new ReplyContext(echoableRequestId(obj.get("request_id")), echoableTraceId(traceNode));

        JsonNode version = field(obj, "version", headers.version());
        if (version != null) {
            if (!version.isTextual()) {
                return invalid(ContractError.internalValidation("version must be a string"), context);
            }
            if (!version.textValue().equals("1")) {
                return invalid(ContractError.versionUnsupported(clip(version.textValue())), context);
            }
        }

        String reason = correlationFailure(obj, headers, traceNode);
        if (reason == null) {
            reason = decideFieldsFailure(obj);
        }
        if (reason != null) {
            return invalid(ContractError.correlation(reason), context);
        }

        JsonNode policy = obj.get("policy_id");
        String policyId = DecideRequest.DEFAULT_POLICY;
        if (present(policy)) {
            if (!policy.isTextual() || policy.textValue().isEmpty()) {
                return invalid(ContractError.schema("invalid_policy_id"), context);
            }
            policyId = policy.textValue();
        }
        ObjectNode routing = mapper.createObjectNode();
        for (String name : new String[] {"constraints", "metadata"}) {
            JsonNode part = obj.get(name);
            if (present(part)) {
                if (!part.isObject()) {
                    return invalid(ContractError.schema("invalid_" + name + "_format"), context);
                }
                routing.setAll((ObjectNode) part);
            }
        }
        if (!routing.has("traceparent") && headers.traceparent() != null) {
            routing.put("traceparent", headers.traceparent());
        }
        Long deadline = null;
        JsonNode d = routing.get("deadline");
        if (present(d)) {
            if (!d.isIntegralNumber() || !d.canConvertToLong()) {
                return invalid(ContractError.schema("invalid_deadline"), context);
            }
            deadline = d.longValue();
        }
        JsonNode idem = obj.get("idempotency_key");
        return new ParseOutcome.Valid(new DecideRequest(obj.get("request_id").textValue(), context.traceId(),
                field(obj, "tenant_id", headers.tenantId()).textValue(), policyId,
                obj.get("task").get("type").textValue(), present(idem) ? idem.textValue() : null, routing, deadline,
                // Only the literal true asks for a stream; anything else (absent, false, "yes") does not.
                obj.get("task").path("stream").asBoolean(false) && obj.get("task").get("stream").isBoolean()));
    }

    /** Null if tenant, run/flow/step and the id formats are fine, else the contract's reason. */
    private static String correlationFailure(ObjectNode obj, RequestHeaders headers, JsonNode trace) {
        JsonNode tenant = field(obj, "tenant_id", headers.tenantId());
        if (tenant == null) {
            return "missing_tenant_id";
        }
        if (!tenant.isTextual()) {
            return "invalid_tenant_id_format";
        }
        if (tenant.textValue().isEmpty()) {
            return "empty_tenant_id";
        }
        if (tenant.textValue().length() > MAX_ID_CHARS) {
            return "tenant_id_too_long";
        }
        boolean run = present(obj.get("run_id"));
        boolean flow = present(obj.get("flow_id"));
        boolean step = present(obj.get("step_id"));
        if (run && !flow) {
            return "flow_id_required_when_run_id_present";
        }
        if (run && !step) {
            return "step_id_required_when_run_id_present";
        }
        if (!run && flow) {
            return "run_id_required_when_flow_id_present";
        }
        if (!run && step) {
            return "run_id_required_when_step_id_present";
        }
        for (String id : new String[] {"run_id", "flow_id", "step_id"}) {
            JsonNode v = obj.get(id);
            if (present(v) && (!v.isTextual() || !IdFormats.isUuidV4OrUlid(v.textValue()))) {
                return "invalid_" + id + "_format";
            }
        }
        if (trace != null && (!trace.isTextual() || !IdFormats.isTraceId(trace.textValue()))) {
            return "invalid_trace_id_format";
        }
        JsonNode idem = obj.get("idempotency_key");
        if (present(idem)) {
            if (!idem.isTextual()) {
                return "invalid_idempotency_key_format";
            }
            if (idem.textValue().isEmpty()) {
                return "empty_idempotency_key";
            }
            if (idem.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_IDEMPOTENCY_KEY_BYTES) {
                return "idempotency_key_too_long";
            }
        }
        return null;
    }

    /** Null if request_id and task are fine, else the contract's reason. */
    private String decideFieldsFailure(ObjectNode obj) {
        JsonNode requestId = obj.get("request_id");
        if (!present(requestId)) {
            return "missing_request_id";
        }
        if (!requestId.isTextual()) {
            return "invalid_request_id_format";
        }
        if (requestId.textValue().isEmpty()) {
            return "empty_request_id";
        }
        if (requestId.textValue().length() > MAX_ID_CHARS) {
            return "request_id_too_long";
        }
        JsonNode task = obj.get("task");
        if (!present(task)) {
            return "missing_task";
        }
        if (!task.isObject()) {
            return "invalid_task_format";
        }
        JsonNode type = task.get("type");
        if (!present(type)) {
            return "missing_task_type";
        }
        if (!type.isTextual()) {
            return "invalid_task_type";
        }
        if (type.textValue().isEmpty()) {
            return "empty_task_type";
        }
        JsonNode payload = task.get("payload");
        JsonNode payloadRef = task.get("payload_ref");
        if (!present(payload) && !present(payloadRef)) {
            return "missing_task_payload";
        }
        if (present(payload)) {
            if (!payload.isObject()) {
                return "invalid_payload_format";
            }
            if (encodedSize(payload) < MIN_PAYLOAD_BYTES) {
                return "payload_too_small";
            }
        } else if (!payloadRef.isTextual()) {
            return "invalid_payload_format";
        }
        return null;
    }

    private int encodedSize(JsonNode payload) {
        try {
            return mapper.writeValueAsBytes(payload).length;
        } catch (JsonProcessingException e) {
            return 0;
        }
    }

    /** The body's field, else the header's value, else null. */
    private static JsonNode field(ObjectNode obj, String name, String header) {
        JsonNode v = obj.get(name);
        if (present(v)) {
            return v;
        }
        return header == null ? null : obj.textNode(header);
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull();
    }

    private static String echoableRequestId(JsonNode n) {
        return present(n) && n.isTextual() && !n.textValue().isEmpty() && n.textValue().length() <= MAX_ID_CHARS
                ? n.textValue() : ReplyContext.UNDEFINED;
    }

    private static String echoableTraceId(JsonNode n) {
        return present(n) && n.isTextual() && IdFormats.isTraceId(n.textValue()) ? n.textValue() : null;
    }

    private static String clip(String s) {
        return s.length() <= MAX_ECHOED_VERSION_CHARS ? s : s.substring(0, MAX_ECHOED_VERSION_CHARS) + "...";
    }

    private static ParseOutcome invalid(ContractError error, ReplyContext context) {
        return new ParseOutcome.Invalid(error, context);
    }
}
