package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.TaskRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * TASK_SUBMIT payloads (native and the C gateway's legacy editor format) → a DecideRequest the Router
 * accepts, plus its NATS headers and the submit's deadline. Bad input is an INVALID_PAYLOAD whose message
 * names the field.
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

    /** Fields of the submit envelope; in the legacy format everything else is the task's payload. */
    private static final Set<String> ENVELOPE = Set.of("command", "task", "task_type", "payload", "tenant_id",
            "policy_id", "task_id", "metadata", "constraints", "deadline_ms", "idempotency_key", "traceparent",
            "stream");

    private final String defaultTenant;
    private final String defaultPolicy;
    private final Duration defaultDeadline;
    private final Duration maxDeadline;
    private final Clock clock;

    /** Tenant, policy and deadline defaults from {@code config}; {@code clock} tells the Router's deadline. */
    public DecideRequestMapper(RouterConfig config, Clock clock) {
        this.defaultTenant = config.defaultTenant();
        this.defaultPolicy = config.defaultPolicy();
        this.defaultDeadline = config.timeout();
        this.maxDeadline = config.maxTimeout();
        this.clock = clock;
    }

    public DecideCall map(ObjectNode submit) {
        return map(submit, defaultTenant);
    }

    /** @param tenantIfAbsent the tenant of a submit that names none (the caller's, or the configured default) */
    public DecideCall map(ObjectNode submit, String tenantIfAbsent) {
        optionalBoolean(submit, "stream");
        boolean stream = submit.path("stream").asBoolean(false);
        String taskType = taskType(submit);
        ObjectNode payload = submit.hasNonNull("payload") ? object(submit, "payload").orElseThrow() : legacyPayload(submit);
        String taskId = text(submit, "task_id", MAX_ID_LENGTH).orElseGet(() -> UUID.randomUUID().toString());
        String tenant = text(submit, "tenant_id", MAX_ID_LENGTH).orElse(tenantIfAbsent);
        String policy = text(submit, "policy_id", MAX_ID_LENGTH).orElse(defaultPolicy);
        Optional<String> idempotencyKey = text(submit, "idempotency_key", Integer.MAX_VALUE);
        if (idempotencyKey.isPresent()
                && idempotencyKey.get().getBytes(StandardCharsets.UTF_8).length > MAX_IDEMPOTENCY_KEY_BYTES) {
            throw invalid("idempotency_key is longer than " + MAX_IDEMPOTENCY_KEY_BYTES + " bytes");
        }
        Duration deadline = effective(requestedDeadline(submit));
        TraceContext parent = text(submit, "traceparent", 512).flatMap(TraceContext::parse).orElse(null);
        TraceContext span = parent == null ? TraceContext.newTrace() : parent.child();

        ObjectNode task = JsonNodeFactory.instance.objectNode();
        task.put("type", taskType);
        task.set("payload", padded(payload));
        if (stream) {
            task.put("stream", true); // the Router streams the output after its reply
        }
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("version", "1");
        request.put("request_id", taskId);
        request.put("tenant_id", tenant);
        request.put("trace_id", span.traceId());
        request.set("task", task);
        request.put("policy_id", policy);
        object(submit, "constraints").ifPresent(c -> request.set("constraints", c));
        request.set("metadata", withDeadline(object(submit, "metadata"), deadline));
        idempotencyKey.ifPresent(k -> request.put("idempotency_key", k));

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace_id", span.traceId());
        headers.put("tenant_id", tenant);
        headers.put("version", "1");
        headers.put("traceparent", span.traceparent());
        headers.put("span_id", span.spanId()); // the Router's consumer reads the gateway's span here
        headers.put("request_id", taskId);
        return new DecideCall(taskId, span.traceId(), tenant, request, Map.copyOf(headers), deadline, stream);
    }

    private static String taskType(ObjectNode submit) {
        Optional<String> type = text(submit, "task_type", MAX_TASK_TYPE_LENGTH);
        Optional<String> legacy = text(submit, "task", MAX_TASK_TYPE_LENGTH);
        if (type.isPresent() && legacy.isPresent() && !type.equals(legacy)) {
            throw invalid("task_type and task name different task types; give one");
        }
        return type.or(() -> legacy).orElseThrow(() -> invalid("task_type is required (a non-empty string)"));
    }

    /** Legacy editor format: file, line, context, params and any other field become task.payload. */
    private static ObjectNode legacyPayload(ObjectNode submit) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        submit.properties().forEach(e -> {
            if (!ENVELOPE.contains(e.getKey())) {
                payload.set(e.getKey(), e.getValue());
            }
        });
        return payload;
    }

    /** Padded by structure (one more field), never rejected: a small payload is a valid request. */
    private static ObjectNode padded(ObjectNode payload) {
        if (Json.write(payload).length >= ROUTER_MIN_PAYLOAD_BYTES) {
            return payload;
        }
        ObjectNode copy = payload.deepCopy();
        copy.put(PAD_FIELD, "");
        return copy;
    }

    /** The client's own deadline_ms, capped by router.max_timeout_ms; else router.timeout_ms (capped alike). */
    private Duration effective(Optional<Duration> requested) {
        Duration asked = requested.orElse(defaultDeadline);
        return asked.compareTo(maxDeadline) > 0 ? maxDeadline : asked;
    }

    /**
     * The client's metadata (a copy; absent: a new object) with {@code deadline}: the moment the gateway stops
     * waiting, in epoch ms. A {@code deadline} the client set is kept as it is; JSON null counts as not set.
     */
    private ObjectNode withDeadline(Optional<ObjectNode> clientMetadata, Duration deadline) {
        ObjectNode metadata = clientMetadata.map(ObjectNode::deepCopy).orElseGet(JsonNodeFactory.instance::objectNode);
        if (!metadata.hasNonNull("deadline")) {
            metadata.put("deadline", clock.millis() + deadline.toMillis());
        }
        return metadata;
    }

    private static Optional<Duration> requestedDeadline(ObjectNode submit) {
        JsonNode d = submit.get("deadline_ms");
        if (d == null || d.isNull()) {
            return Optional.empty();
        }
        if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 1) {
            throw invalid("deadline_ms must be a positive integer (milliseconds from now)");
        }
        return Optional.of(Duration.ofMillis(d.asLong()));
    }

    private static Optional<String> text(ObjectNode submit, String field, int maxLength) {
        JsonNode v = submit.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw invalid(field + " must be a non-empty string");
        }
        if (v.asText().length() > maxLength) {
            throw invalid(field + " is longer than " + maxLength + " characters");
        }
        return Optional.of(v.asText());
    }

    private static Optional<ObjectNode> object(ObjectNode submit, String field) {
        JsonNode v = submit.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw invalid(field + " must be a JSON object");
        }
        return Optional.of((ObjectNode) v);
    }

    private static void optionalBoolean(ObjectNode submit, String field) {
        JsonNode v = submit.get(field);
        if (v != null && !v.isNull() && !v.isBoolean()) {
            throw invalid(field + " must be true or false");
        }
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_PAYLOAD, message);
    }
}
