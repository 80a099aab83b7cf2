package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.task.TaskIds;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.JsonBytes;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.SubmitPayload;
import io.beamline.ipc.protocol.SubmitPayload.Field;
import io.beamline.ipc.protocol.TaskRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * TASK_SUBMIT payloads (native and the C gateway's legacy editor format) → a DecideRequest the Router
 * accepts, plus its NATS headers and the submit's deadline. Bad input is an INVALID_PAYLOAD whose message
 * names the field. No tree is built on the way: the envelope is checked from the {@link SubmitPayload}, the
 * request's JSON is written directly and the client's own objects are copied into it byte for byte.
 *
 * <p>The deadline is decided here, once: the client's {@code deadline_ms} capped by {@code router.max_timeout_ms},
 * else {@code router.timeout_ms}. The gateway waits that long for the Router ({@link DecideCall#deadline()}), and
 * the Router is told the same moment as {@code metadata.deadline} (epoch ms, "now" from the injected clock)
 * unless the client set {@code metadata.deadline} itself.
 */
public final class DecideRequestMapper {

    /** The Router rejects a task.payload whose JSON encoding is shorter (payload_too_small). */
    static final int ROUTER_MIN_PAYLOAD_BYTES = 10;
    /** Added to a too-small payload so the Router accepts it; documented in docs/PROTOCOL.md. */
    static final String PAD_FIELD = "_pad";
    static final int MAX_ID_LENGTH = TaskRef.MAX_TASK_ID_LENGTH;
    static final int MAX_TASK_TYPE_LENGTH = 256;
    static final int MAX_IDEMPOTENCY_KEY_BYTES = 256;
    /** Levels task.payload may nest: the DecideRequest's root and {@code task} are the 2 levels above it. */
    static final int MAX_PAYLOAD_DEPTH = Json.MAX_NESTING_DEPTH - 2;
    /** A payload with this much text (whitespace aside) cannot be below the Router's minimum: no exact check. */
    static final int PAD_CHECK_BYTES = 6 * ROUTER_MIN_PAYLOAD_BYTES + 4;

    /** Fields of the submit envelope; in the legacy format everything else is the task's payload. */
    private static final Set<String> ENVELOPE = Set.of("command", "task", "task_type", "payload", "tenant_id",
            "policy_id", "task_id", "metadata", "constraints", "deadline_ms", "idempotency_key", "traceparent",
            "stream");

    private final String defaultTenant;
    private final String defaultPolicy;
    private final Supplier<RouterConfig> deadlines;
    private final Clock clock;

    /** Tenant, policy and deadline defaults from {@code config}; {@code clock} tells the Router's deadline. */
    public DecideRequestMapper(RouterConfig config, Clock clock) {
        this(() -> config, clock);
    }

    /** Like {@link #DecideRequestMapper(RouterConfig, Clock)}; the deadlines are read per submit (a reload may change them). */
    public DecideRequestMapper(Supplier<RouterConfig> config, Clock clock) {
        RouterConfig atStart = config.get();
        this.defaultTenant = atStart.defaultTenant();
        this.defaultPolicy = atStart.defaultPolicy();
        this.deadlines = config;
        this.clock = clock;
    }

    public DecideCall map(SubmitPayload submit) {
        return map(submit, defaultTenant);
    }

    /** @param tenantIfAbsent the tenant of a submit that names none (the caller's, or the configured default) */
    public DecideCall map(SubmitPayload submit, String tenantIfAbsent) {
        return map(submit, tenantIfAbsent, null);
    }

    /**
     * @param traced the traceparent of the request's server span when tracing is on (its trace is the task's),
     *               else null: the gateway continues the client's traceparent with a new span id, as always
     */
    public DecideCall map(SubmitPayload submit, String tenantIfAbsent, String traced) {
        boolean stream = optionalBoolean(submit, "stream");
        String taskType = taskType(submit);
        Field payload = object(submit, "payload");
        fitsRouterNesting(submit, payload);
        String taskId = text(submit, "task_id", MAX_ID_LENGTH).orElseGet(TaskIds::newId);
        String tenant = text(submit, "tenant_id", MAX_ID_LENGTH).orElse(tenantIfAbsent);
        String policy = text(submit, "policy_id", MAX_ID_LENGTH).orElse(defaultPolicy);
        Optional<String> idempotencyKey = text(submit, "idempotency_key", Integer.MAX_VALUE);
        if (idempotencyKey.isPresent()
                && idempotencyKey.get().getBytes(StandardCharsets.UTF_8).length > MAX_IDEMPOTENCY_KEY_BYTES) {
            throw invalid("idempotency_key is longer than " + MAX_IDEMPOTENCY_KEY_BYTES + " bytes");
        }
        Field constraints = object(submit, "constraints");
        Field metadata = object(submit, "metadata");
        Duration deadline = effective(requestedDeadline(submit));
        TraceContext parent = text(submit, "traceparent", 512).flatMap(TraceContext::parse).orElse(null);
        TraceContext span = traced != null ? TraceContext.parse(traced).orElseGet(TraceContext::newTrace)
                : parent == null ? TraceContext.newTrace() : parent.child();

        // The client's objects are copied as they came; only the envelope around them is written here.
        JsonBytes request = new JsonBytes(submit.bytes().length + 256);
        request.startObject()
                .string("version", "1")
                .string("request_id", taskId)
                .string("tenant_id", tenant)
                .string("trace_id", span.traceId())
                .startObject("task")
                .string("type", taskType);
        if (payload == null) {
            byte[] legacy = legacyPayload(submit);
            payload(legacy, 0, legacy.length, request);
        } else {
            payload(submit.bytes(), payload.start(), payload.end(), request);
        }
        if (stream) {
            request.bool("stream", true); // the Router streams the output after its reply
        }
        request.endObject().string("policy_id", policy);
        if (constraints != null) {
            submit.copy(constraints, "constraints", request);
        }
        withDeadline(submit, metadata, deadline, request);
        idempotencyKey.ifPresent(k -> request.string("idempotency_key", k));
        request.endObject();

        return new DecideCall(taskId, span.traceId(), tenant, taskType, request.toByteArray(),
                headers(span, tenant, taskId), deadline, stream);
    }

    /** The NATS headers of a DecideRequest sent under {@code span}. */
    static Map<String, String> headers(TraceContext span, String tenant, String taskId) {
        return Map.of(
                "trace_id", span.traceId(),
                "tenant_id", tenant,
                "version", "1",
                "traceparent", span.traceparent(),
                "span_id", span.spanId(), // the Router's consumer reads the gateway's span here
                "request_id", taskId);
    }

    private static String taskType(SubmitPayload submit) {
        Optional<String> type = text(submit, "task_type", MAX_TASK_TYPE_LENGTH);
        Optional<String> legacy = text(submit, "task", MAX_TASK_TYPE_LENGTH);
        if (type.isPresent() && legacy.isPresent() && !type.equals(legacy)) {
            throw invalid("task_type and task name different task types; give one");
        }
        return type.or(() -> legacy).orElseThrow(() -> invalid("task_type is required (a non-empty string)"));
    }

    /** Legacy editor format: file, line, context, params and any other field become task.payload. */
    private static byte[] legacyPayload(SubmitPayload submit) {
        JsonBytes payload = new JsonBytes(submit.bytes().length);
        payload.startObject();
        for (Field f : submit.fields()) {
            if (!ENVELOPE.contains(f.name())) {
                submit.copy(f, f.name(), payload);
            }
        }
        return payload.endObject().toByteArray();
    }

    /**
     * The task's payload object {@code json[from, to)}, copied. One the Router would find too small gets one more
     * field, {@code "_pad":""}: padded by structure, never rejected, since a small payload is a valid request.
     */
    private static void payload(byte[] json, int from, int to, JsonBytes request) {
        int length = routerLength(json, from, to);
        if (length >= ROUTER_MIN_PAYLOAD_BYTES) {
            request.raw("payload", json, from, to - from);
        } else if (length >= 0) {
            int close = to - 1;
            request.startObject("payload", json, from, close - from, !emptyObject(json, from, close))
                    .string(PAD_FIELD, "").endObject();
        } else { // small, with escapes or fractions the Router re-encodes: measured exactly, through a tree
            ObjectNode tree = Json.parseObject(Arrays.copyOfRange(json, from, to));
            request.raw("payload", Json.write(Json.write(tree).length >= ROUTER_MIN_PAYLOAD_BYTES ? tree
                    : tree.put(PAD_FIELD, "")));
        }
    }

    /**
     * The length the Router measures a payload by, its compact JSON encoding, as far as it can be told from
     * the text {@code json[from, to)}: the text less insignificant whitespace. Escapes and numbers with a
     * fraction or an exponent are re-encoded by the Router (shorter or longer), so for text with any of them
     * the answer is -1, unless there is so much text ({@link #PAD_CHECK_BYTES}) that no re-encoding can bring
     * it below the minimum. A valid JSON object is assumed.
     */
    static int routerLength(byte[] json, int from, int to) {
        int n = 0;
        boolean exact = true;
        boolean inString = false;
        boolean inNumber = false;
        for (int i = from; i < to; i++) {
            byte b = json[i];
            if (inString) {
                n++;
                if (b == '\\') {
                    exact = false;
                    i++;
                    n++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
                inNumber = false;
                n++;
            } else if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                inNumber = (b >= '0' && b <= '9') || b == '-' || (inNumber && (b == '.' || b == 'e' || b == 'E' || b == '+'));
                exact &= !(inNumber && (b == '.' || b == 'e' || b == 'E'));
                n++;
            } else {
                inNumber = false;
            }
            if (n >= PAD_CHECK_BYTES) {
                return n;
            }
        }
        return exact ? n : -1;
    }

    /** Whether the object whose closing brace is at {@code json[close]} has nothing but whitespace inside. */
    private static boolean emptyObject(byte[] json, int from, int close) {
        int i = close - 1;
        while (i > from && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) {
            i--;
        }
        return i == from;
    }

    /** The client's own deadline_ms, capped by router.max_timeout_ms; else router.timeout_ms (capped alike). */
    private Duration effective(Optional<Duration> requested) {
        RouterConfig now = deadlines.get();
        Duration maxDeadline = now.maxTimeout();
        Duration asked = requested.orElse(now.timeout());
        return asked.compareTo(maxDeadline) > 0 ? maxDeadline : asked;
    }

    /**
     * Writes the client's metadata (absent: a new object) with {@code deadline}: the moment the gateway stops
     * waiting, in epoch ms. A {@code deadline} the client set is kept as it is; JSON null counts as not set.
     */
    private void withDeadline(SubmitPayload submit, Field metadata, Duration deadline, JsonBytes request) {
        long at = clock.millis() + deadline.toMillis();
        if (metadata == null) {
            request.startObject("metadata").number("deadline", at).endObject();
            return;
        }
        Optional<JsonToken> given = submit.member(metadata, "deadline");
        if (given.isEmpty()) { // the client's members, then ours before the closing brace
            byte[] source = submit.bytes();
            int close = metadata.end() - 1;
            request.startObject("metadata", source, metadata.start(), close - metadata.start(),
                    !emptyObject(source, metadata.start(), close)).number("deadline", at).endObject();
        } else if (given.get() == JsonToken.VALUE_NULL) { // rare: replaced, through a tree
            request.raw("metadata", Json.write(submit.tree(metadata).put("deadline", at)));
        } else {
            submit.copy(metadata, "metadata", request);
        }
    }

    private static Optional<Duration> requestedDeadline(SubmitPayload submit) {
        Field d = submit.get("deadline_ms");
        if (d == null || d.isNull()) {
            return Optional.empty();
        }
        Optional<Long> ms = d.longValue();
        if (ms.isEmpty() || ms.get() < 1) {
            throw invalid("deadline_ms must be a positive integer (milliseconds from now)");
        }
        return Optional.of(Duration.ofMillis(ms.get()));
    }

    private static Optional<String> text(SubmitPayload submit, String field, int maxLength) {
        Field v = submit.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isText() || v.text().isEmpty()) {
            throw invalid(field + " must be a non-empty string");
        }
        if (v.text().length() > maxLength) {
            throw invalid(field + " is longer than " + maxLength + " characters");
        }
        return Optional.of(v.text());
    }

    /** The object member {@code field}; null when absent or JSON null. */
    private static Field object(SubmitPayload submit, String field) {
        Field v = submit.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw invalid(field + " must be a JSON object");
        }
        return v;
    }

    private static boolean optionalBoolean(SubmitPayload submit, String field) {
        Field v = submit.get(field);
        if (v != null && !v.isNull() && !v.isBoolean()) {
            throw invalid(field + " must be true or false");
        }
        return v != null && Boolean.TRUE.equals(v.value());
    }

    /**
     * The task's payload lies deeper in the DecideRequest ({@code task.payload}: 2 levels down) than in the
     * submit (1 level down; a legacy field 1 level down becomes a member of task.payload, 3 levels down). The
     * Router reads the request under the same nesting limit, so what fitted the submit may not fit there: such a
     * submit is refused here, as too deep, rather than sent to be refused by the Router.
     */
    private static void fitsRouterNesting(SubmitPayload submit, Field payload) {
        if (payload != null) {
            if (payload.depth() > MAX_PAYLOAD_DEPTH) {
                throw tooDeep("payload nests " + payload.depth() + " levels; in the Router's DecideRequest (as "
                        + "task.payload) at most " + MAX_PAYLOAD_DEPTH + " fit the limit of " + Json.MAX_NESTING_DEPTH);
            }
            return;
        }
        for (Field f : submit.fields()) {
            if (!ENVELOPE.contains(f.name()) && f.depth() > MAX_PAYLOAD_DEPTH - 1) {
                throw tooDeep(f.name() + " nests " + f.depth() + " levels; in the Router's DecideRequest (as a "
                        + "member of task.payload) at most " + (MAX_PAYLOAD_DEPTH - 1) + " fit the limit of "
                        + Json.MAX_NESTING_DEPTH);
            }
        }
    }

    private static ProtocolException tooDeep(String message) {
        return new ProtocolException(ErrorCode.INVALID_PAYLOAD, Json.TOO_DEEP, "payload exceeds a JSON limit: "
                + message);
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_PAYLOAD, message);
    }
}
