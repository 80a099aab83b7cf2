package io.beamline.ipc.router.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.service.ServiceMessage;
import io.nats.service.ServiceMessageHandler;
import java.util.function.LongSupplier;

/**
 * {@code beamline.router.v2.status.backpressure}: the documented status reply, from the decide endpoint's
 * real queue (messages waiting in its dispatcher), in-flight count and recent p95. A request naming another
 * subject, or none readable, gets status {@code unknown}.
 */
final class BackpressureEndpoint implements ServiceMessageHandler {

    static final String SUBJECT = "beamline.router.v2.status.backpressure";

    private final Connection connection;
    private final ObjectMapper mapper;
    private final Dispatcher decideDispatcher;
    private final LoadMeter load;
    private final Backpressure.Thresholds thresholds;
    private final LongSupplier nowMs;

    BackpressureEndpoint(Connection connection, ObjectMapper mapper, Dispatcher decideDispatcher, LoadMeter load,
                         Backpressure.Thresholds thresholds, LongSupplier nowMs) {
        this.connection = connection;
        this.mapper = mapper;
        this.decideDispatcher = decideDispatcher;
        this.load = load;
        this.thresholds = thresholds;
        this.nowMs = nowMs;
    }

    @Override
    public void onMessage(ServiceMessage msg) {
        if (msg.getReplyTo() == null) {
            return;
        }
        String subject = requestedSubject(msg.getData());
        long pending = decideDispatcher.getPendingMessageCount();
        long p95 = load.p95Millis();
        long inflight = load.inflight();
        boolean known = RouterService.DECIDE_SUBJECT.equals(subject);

        ObjectNode root = mapper.createObjectNode();
        root.put("success", true);
        ObjectNode data = root.putObject("data");
        data.put("subject", subject == null ? RouterService.DECIDE_SUBJECT : subject);
        data.put("status", known || subject == null ? Backpressure.status(pending, p95, inflight, thresholds)
                : "unknown");
        ObjectNode metrics = data.putObject("metrics");
        metrics.put("pending_messages", known || subject == null ? pending : 0);
        metrics.put("latency_p95_ms", known || subject == null ? p95 : 0);
        metrics.put("inflight_messages", known || subject == null ? inflight : 0);
        ObjectNode t = data.putObject("thresholds");
        t.put("queue_overload", thresholds.queueOverload());
        t.put("latency_overload_ms", thresholds.latencyOverloadMs());
        t.put("inflight_overload", thresholds.inflightOverload());
        ObjectNode policy = data.putObject("policy");
        policy.put("retry_after_seconds", 30);
        policy.put("max_retry_attempts", 3);
        data.put("timestamp", nowMs.getAsLong());
        try {
            msg.respond(connection, mapper.writeValueAsBytes(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            msg.respondStandardError(connection, "cannot encode status", 500);
        }
    }

    /** The {@code subject} of the request body; null for an empty or unreadable body (meaning decide). */
    private String requestedSubject(byte[] body) {
        if (body == null || body.length == 0 || body.length > 4096) {
            return null;
        }
        try {
            JsonNode n = mapper.readTree(body).get("subject");
            return n != null && n.isTextual() ? n.textValue() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
