package io.beamline.ipc.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real NATS peer standing in for the Router: subscribes to the Router's subjects and answers with what
 * the test scripts (contract JSON shapes), or not at all. Every request it sees is kept for assertions.
 */
final class ScriptedRouter implements AutoCloseable {

    static final String DECIDE = "beamline.router.v1.decide";
    static final String GET_DECISION = "beamline.router.v1.get_decision";
    static final String CANCEL = "beamline.router.v1.cancel";

    /** Answers a request with a reply body, or null for no reply. */
    volatile Function<Message, String> decide = m -> decision(m);
    volatile Function<Message, String> getDecision = m -> "{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"unknown request\"}}";

    final BlockingQueue<Message> decideRequests = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> cancelNotices = new LinkedBlockingQueue<>();
    private final Connection connection;
    private final Dispatcher dispatcher;

    ScriptedRouter(String url) throws Exception {
        this(new Options.Builder().server(url));
    }

    /** With options of the test's own (credentials, TLS) besides the server. */
    ScriptedRouter(Options.Builder options) throws Exception {
        connection = Nats.connect(options.maxReconnects(-1).reconnectWait(Duration.ofMillis(50)).build());
        dispatcher = connection.createDispatcher();
        subscribeDecide();
        dispatcher.subscribe(GET_DECISION, m -> reply(m, getDecision.apply(m)));
        dispatcher.subscribe(CANCEL, cancelNotices::add);
        connection.flush(Duration.ofSeconds(5));
    }

    void subscribeDecide() throws Exception {
        dispatcher.subscribe(DECIDE, m -> {
            decideRequests.add(m);
            reply(m, decide.apply(m));
        });
        connection.flush(Duration.ofSeconds(5));
    }

    void unsubscribeDecide() throws Exception {
        dispatcher.unsubscribe(DECIDE);
        connection.flush(Duration.ofSeconds(5));
    }

    /** The cancel notice the Router got for a task (notices of earlier tests' clients may arrive late). */
    JsonNode cancelNoticeFor(String taskId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = cancelNotices.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && Json.parseObject(m.getData()).path("request_id").asText().equals(taskId)) {
                return Json.parseObject(m.getData());
            }
        }
        throw new AssertionError("no cancel notice for " + taskId + " within " + wait);
    }

    /** A reply the test sends itself, e.g. late. */
    void reply(Message request, String body) {
        if (body != null) {
            connection.publish(request.getReplyTo(), body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The contract's success shape, echoing request_id and trace_id like the Router does. */
    static String decision(Message m) {
        var req = Json.parseObject(m.getData());
        return "{\"context\":{\"request_id\":\"" + req.path("request_id").asText() + "\",\"trace_id\":\""
                + req.path("trace_id").asText() + "\"},\"decision\":{\"expected_cost\":0.0,\"expected_latency_ms\":0,"
                + "\"metadata\":{\"executed_extensions\":[],\"tenant_id\":\"" + req.path("tenant_id").asText()
                + "\"},\"priority\":50,\"provider_id\":\"openai\",\"reason\":\"weighted\"},\"ok\":true}";
    }

    static String error(String code, String intake, String detailsJson) {
        return "{\"context\":{\"request_id\":\"undefined\"},\"error\":{\"code\":\"" + code + "\""
                + (intake == null ? "" : ",\"intake_error_code\":\"" + intake + "\"")
                + (detailsJson == null ? "" : ",\"details\":" + detailsJson)
                + ",\"message\":\"Routing failed\"},\"ok\":false}";
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
    }
}
