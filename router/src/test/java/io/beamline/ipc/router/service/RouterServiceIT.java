package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Router as a NATS service against a real nats-server, with a plain jnats connection as the client. */
class RouterServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SUBJECT = RouterService.DECIDE_SUBJECT;

    private static NatsServerProcess nats;
    private static Connection routerConnection;
    private static RouterService router;
    private static Connection client;

    @BeforeAll
    static void start() throws Exception {
        // Above the Router's 1 MiB cap, so that an oversized body reaches the Router instead of being refused
        // by the server.
        nats = NatsServerProcess.startWithConfig("max_payload: 4194304\n");
        routerConnection = Nats.connect(nats.url());
        router = RouterService.start(routerConnection, config(), engine());
        client = Nats.connect(nats.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
        if (routerConnection != null) {
            routerConnection.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static RouterConfig config() {
        return RouterConfig.defaults().withNatsUrl(nats.url());
    }

    private static DecisionEngine engine() {
        return new DecisionEngine(PolicyStore.load(null, JSON), new SplittableRandom(11),
                System::currentTimeMillis, DecisionEngine.Limits.DEFAULT);
    }

    private static Message request(byte[] body, Headers headers) throws Exception {
        Message reply = client.request(SUBJECT, headers, body, WAIT);
        assertThat(reply).as("a reply within " + WAIT).isNotNull();
        return reply;
    }

    private static JsonNode decide(String body) throws Exception {
        return JSON.readTree(request(body.getBytes(StandardCharsets.UTF_8), null).getData());
    }

    @Test
    void wireExampleOneDecidesWeightedWithTheContractShape() throws Exception {
        Message reply = request(("{\"version\":\"1\",\"request_id\":\"req-0001\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello, world\"}},"
                + "\"constraints\":{\"max_latency_ms\":2000},\"metadata\":{\"source\":\"gateway\"}}")
                .getBytes(StandardCharsets.UTF_8), null);
        JsonNode actual = JSON.readTree(reply.getData());
        assertThat(actual.at("/decision/provider_id").asText()).isIn("openai", "anthropic");
        ((ObjectNode) actual.get("decision")).put("provider_id", "openai");
        assertThat(actual).isEqualTo(JSON.readTree("{\"context\":{\"request_id\":\"req-0001\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"},"
                + "\"decision\":{\"expected_cost\":0.0,\"expected_latency_ms\":0,\"metadata\":{\"executed_extensions\":[],"
                + "\"max_latency_ms\":2000,\"source\":\"gateway\",\"tenant_id\":\"default_tenant\"},\"priority\":50,"
                + "\"provider_id\":\"openai\",\"reason\":\"weighted\"},\"ok\":true}"));
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("\"expected_cost\":0.0");
        assertThat(reply.getHeaders().getFirst("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(reply.getHeaders().get(ServiceMessage.NATS_SERVICE_ERROR)).isNull();
    }

    @Test
    void wireExampleTwoIsMissingTaskAndEchoesTheRealRequestId() throws Exception {
        Message reply = request("{\"version\":\"1\",\"request_id\":\"req-0002\",\"tenant_id\":\"default_tenant\"}"
                .getBytes(StandardCharsets.UTF_8), null);
        // The Erlang Router answers "request_id":"undefined" here; ours echoes the real id (see README).
        assertThat(JSON.readTree(reply.getData())).isEqualTo(JSON.readTree("{\"context\":{\"request_id\":\"req-0002\"},"
                + "\"error\":{\"code\":\"invalid_request\",\"intake_error_code\":\"CORRELATION_FIELDS_INVALID\","
                + "\"message\":\"Correlation fields validation failed: missing_task\"},\"ok\":false}"));
        assertThat(reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("400");
        assertThat(reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR))
                .isEqualTo("invalid_request: Correlation fields validation failed: missing_task");
    }

    @Test
    void wireExampleThreeIsPolicyNotFoundExactly() throws Exception {
        Message reply = request(("{\"version\":\"1\",\"request_id\":\"req-0003\",\"trace_id\":\"3f2b8c1e-7a4d-4e9b-8c2a-1d5e6f7a8b9c\","
                + "\"tenant_id\":\"acme\",\"task\":{\"type\":\"text.generate\",\"payload_ref\":\"s3://bucket/key\"},"
                + "\"policy_id\":\"premium\"}").getBytes(StandardCharsets.UTF_8), null);
        assertThat(JSON.readTree(reply.getData())).isEqualTo(JSON.readTree(
                "{\"context\":{\"request_id\":\"req-0003\",\"trace_id\":\"3f2b8c1e-7a4d-4e9b-8c2a-1d5e6f7a8b9c\"},"
                + "\"error\":{\"code\":\"policy_not_found\",\"details\":{\"context\":\"Policy not found in store\","
                + "\"policy_id\":\"premium\",\"tenant_id\":\"acme\"},\"message\":\"Routing failed\"},\"ok\":false}"));
        assertThat(reply.getHeaders().getFirst("trace_id")).isEqualTo("3f2b8c1e-7a4d-4e9b-8c2a-1d5e6f7a8b9c");
        assertThat(reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("404");
    }

    @Test
    void badInputGetsTheContractErrorAndTheServiceKeepsServing() throws Exception {
        String valid = "{\"request_id\":\"ok\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"t\","
                + "\"payload\":{\"prompt\":\"Hello\"}}}";
        String big = valid.replace("}}}", "}},\"metadata\":{\"pad\":\"" + "x".repeat(1_048_576) + "\"}}");
        List<byte[]> bad = List.of(
                new byte[0],
                "{not json".getBytes(StandardCharsets.UTF_8),
                "[]".getBytes(StandardCharsets.UTF_8),
                big.getBytes(StandardCharsets.UTF_8),
                ("{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'},
                ("{\"n\":" + "9".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8));
        for (byte[] body : bad) {
            JsonNode reply = JSON.readTree(request(body, null).getData());
            assertThat(reply.get("ok").asBoolean()).isFalse();
            assertThat(reply.at("/error/code").asText()).isEqualTo("invalid_request");
            assertThat(reply.at("/error/intake_error_code").asText()).isEqualTo("SCHEMA_VALIDATION_FAILED");
            assertThat(reply.at("/error/message").asText()).startsWith("Schema validation failed: ");
            assertThat(reply.at("/context/request_id").asText()).isEqualTo("undefined");
        }
        Message oddVersion = request("{\"version\":\"2\\n\\u0001é\"}".getBytes(StandardCharsets.UTF_8), null);
        assertThat(JSON.readTree(oddVersion.getData()).at("/error/message").asText())
                .isEqualTo("Unsupported schema version: 2\n\u0001é, supported versions: [1]");
        assertThat(oddVersion.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR))
                .isEqualTo("invalid_request: Unsupported schema version: 2???, supported versions: [1]");
        JsonNode wrongTypes = decide("{\"request_id\":[1],\"tenant_id\":{},\"task\":7}");
        assertThat(wrongTypes.at("/error/message").asText())
                .isEqualTo("Correlation fields validation failed: invalid_tenant_id_format");
        JsonNode hugeFloat = decide(valid.replace("}}}", "}},\"metadata\":{\"n\":1e999999}}"));
        assertThat(hugeFloat.get("ok").asBoolean()).as(hugeFloat.toString()).isTrue();
        assertThat(hugeFloat.at("/decision/metadata/n").isNumber()).as("echoed as a number").isTrue();

        assertThat(decide(valid).get("ok").asBoolean()).isTrue();
    }

    @Test
    void headersFillWhatTheBodyLacksAndTheTraceIdComesBackAsAHeader() throws Exception {
        Headers h = new Headers().put("tenant_id", "default_tenant").put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Message reply = request("{\"request_id\":\"h1\",\"task\":{\"type\":\"t\",\"payload\":{\"prompt\":\"Hello\"}}}"
                .getBytes(StandardCharsets.UTF_8), h);
        JsonNode tree = JSON.readTree(reply.getData());
        assertThat(tree.at("/decision/metadata/tenant_id").asText()).isEqualTo("default_tenant");
        assertThat(tree.at("/decision/metadata/traceparent").asText()).startsWith("00-4bf92f35");
        assertThat(tree.at("/context/trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(reply.getHeaders().getFirst("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aRepeatedIdempotencyKeyIsAnsweredWithTheFirstDecision() throws Exception {
        String body = "{\"request_id\":\"i%d\",\"tenant_id\":\"default_tenant\",\"idempotency_key\":\"same-key\","
                + "\"task\":{\"type\":\"t\",\"payload\":{\"prompt\":\"Hello\"}}}";
        String first = decide(body.formatted(1)).at("/decision/provider_id").asText();
        for (int i = 2; i < 30; i++) {
            JsonNode again = decide(body.formatted(i));
            assertThat(again.at("/decision/provider_id").asText()).isEqualTo(first);
            assertThat(again.at("/context/request_id").asText()).isEqualTo("i" + i);
        }
    }

    @Test
    void serviceDiscoveryAnswersPingInfoAndStats() throws Exception {
        Message ping = client.request("$SRV.PING.beamline-router", new byte[0], WAIT);
        assertThat(JSON.readTree(ping.getData()).get("name").asText()).isEqualTo("beamline-router");
        Message info = client.request("$SRV.INFO.beamline-router", new byte[0], WAIT);
        JsonNode endpoints = JSON.readTree(info.getData()).get("endpoints");
        assertThat(endpoints.findValuesAsText("subject")).containsExactlyInAnyOrder(SUBJECT,
                "beamline.router.v1.get_decision", "beamline.router.v1.cancel", "beamline.router.v2.status.backpressure");
        assertThat(endpoints.findValuesAsText("queue_group")).containsOnly("beamline-router");
        decide("{}");
        Message stats = client.request("$SRV.STATS.beamline-router", new byte[0], WAIT);
        JsonNode decideStats = null;
        for (JsonNode e : JSON.readTree(stats.getData()).get("endpoints")) {
            if (e.get("name").asText().equals("decide")) {
                decideStats = e;
            }
        }
        assertThat(decideStats).isNotNull();
        assertThat(decideStats.get("num_requests").asLong()).isPositive();
    }

    @Test
    void twoRoutersInOneQueueGroupShareRequestsAndOneCanStopWithoutLosingAny() throws Exception {
        try (Connection secondConnection = Nats.connect(nats.url())) {
            RouterService second = RouterService.start(secondConnection, config(), engine());
            long firstBefore = router.service().getEndpointStats("decide").getNumRequests();
            String body = "{\"request_id\":\"q%d\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"t\","
                    + "\"payload\":{\"prompt\":\"Hello\"}}}";
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                replies.add(client.requestWithTimeout(SUBJECT, body.formatted(i).getBytes(StandardCharsets.UTF_8),
                        WAIT));
                if (i == 1_000) {
                    second.close(); // drains: what it already received is still answered
                }
            }
            for (int i = 0; i < replies.size(); i++) {
                Message m = replies.get(i).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                assertThat(JSON.readTree(m.getData()).at("/context/request_id").asText()).isEqualTo("q" + i);
            }
            long secondServed = second.service().getEndpointStats("decide").getNumRequests();
            long firstServed = router.service().getEndpointStats("decide").getNumRequests() - firstBefore;
            assertThat(secondServed).as("second router's share").isPositive();
            assertThat(firstServed).as("first router's share").isPositive();
            assertThat(firstServed + secondServed).isEqualTo(2_000);
        }
    }

    @Test
    void getDecisionAnswersTheDecideReplyByRequestIdAndACancelAfterTheReplyChangesNothing() throws Exception {
        Message decided = request(("{\"request_id\":\"look-1\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"t\","
                + "\"payload\":{\"prompt\":\"Hello\"}}}").getBytes(StandardCharsets.UTF_8), null);
        assertThat(decided.getHeaders().getFirst("Beamline-Router-Instance")).isEqualTo(router.id());
        Message found = client.request("beamline.router.v1.get_decision",
                "{\"request_id\":\"look-1\"}".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(found.getData()).isEqualTo(decided.getData());
        Message otherTenant = client.request("beamline.router.v1.get_decision",
                "{\"request_id\":\"look-1\",\"tenant_id\":\"acme\"}".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(JSON.readTree(otherTenant.getData()).at("/error/code").asText()).isEqualTo("not_found");

        // Already answered: nothing to cancel, and the decision stays retrievable.
        Message cancel = client.request("beamline.router.v1.cancel",
                "{\"request_id\":\"look-1\"}".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(JSON.readTree(cancel.getData())).isEqualTo(JSON.readTree(
                "{\"ok\":true,\"cancelled\":false,\"context\":{\"request_id\":\"look-1\"}}"));
        Message still = client.request("beamline.router.v1.get_decision",
                "{\"request_id\":\"look-1\"}".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(still.getData()).isEqualTo(decided.getData());

        Message unknown = client.request("beamline.router.v1.get_decision",
                "{\"request_id\":\"look-unknown\"}".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(JSON.readTree(unknown.getData())).isEqualTo(JSON.readTree("{\"ok\":false,\"error\":{\"code\":\"not_found\","
                + "\"message\":\"Decision not found\",\"details\":{\"context\":\"No decision for this request_id "
                + "(unknown, not answered yet, or expired)\",\"request_id\":\"look-unknown\"}},"
                + "\"context\":{\"request_id\":\"look-unknown\"}}"));
        assertThat(unknown.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("404");

        Message bad = client.request("beamline.router.v1.get_decision", "nope".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(JSON.readTree(bad.getData()).at("/error/intake_error_code").asText())
                .isEqualTo("SCHEMA_VALIDATION_FAILED");
        Message array = client.request("beamline.router.v1.get_decision", "[]".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(JSON.readTree(array.getData()).at("/error/intake_error_code").asText())
                .isEqualTo("SCHEMA_VALIDATION_FAILED");
        Message noId = client.request("beamline.router.v1.cancel", "{}".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(JSON.readTree(noId.getData()).at("/error/message").asText())
                .isEqualTo("Correlation fields validation failed: missing_request_id");
    }

    @Test
    void aRequestWithoutReplyInboxIsIgnoredAndServiceStaysUp() throws Exception {
        client.publish(SUBJECT, "{}".getBytes(StandardCharsets.UTF_8));
        client.flush(WAIT);
        await().atMost(WAIT).until(() -> decide("{}").get("ok") != null);
    }
}
