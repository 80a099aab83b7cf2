package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** beamline.router.v2.status.backpressure from the decide endpoint's real metrics. */
class RouterStatusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String STATUS = "beamline.router.v2.status.backpressure";
    private static final byte[] ASK = "{\"subject\":\"beamline.router.v1.decide\"}".getBytes(StandardCharsets.UTF_8);

    private static RouterService start(Connection c, NatsServerProcess nats, Backpressure.Thresholds t) {
        return RouterService.start(c, RouterConfig.defaults().withNatsUrl(nats.url()).withBackpressure(t),
                new DecisionEngine(PolicyStore.load(null, JSON), new SplittableRandom(1), System::currentTimeMillis,
                        DecisionEngine.Limits.DEFAULT));
    }

    @Test
    void anIdleRouterIsInactiveWithTheDocumentedShape() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Connection routerConnection = Nats.connect(nats.url());
             Connection client = Nats.connect(nats.url())) {
            RouterService router = start(routerConnection, nats, Backpressure.Thresholds.DEFAULT);
            long before = System.currentTimeMillis();
            JsonNode reply = JSON.readTree(client.request(STATUS, ASK, WAIT).getData());
            long ts = reply.at("/data/timestamp").asLong();
            assertThat(ts).isBetween(before, System.currentTimeMillis());
            ((ObjectNode) reply.get("data")).put("timestamp", 0);
            assertThat(reply).isEqualTo(JSON.readTree("{\"success\":true,\"data\":{\"subject\":\"beamline.router.v1.decide\","
                    + "\"status\":\"inactive\",\"metrics\":{\"pending_messages\":0,\"latency_p95_ms\":0,\"inflight_messages\":0},"
                    + "\"thresholds\":{\"queue_overload\":1000,\"latency_overload_ms\":5000,\"inflight_overload\":500},"
                    + "\"policy\":{\"retry_after_seconds\":30,\"max_retry_attempts\":3},\"timestamp\":0}}"));

            JsonNode other = JSON.readTree(client.request(STATUS,
                    "{\"subject\":\"beamline.router.v1.other\"}".getBytes(StandardCharsets.UTF_8), WAIT).getData());
            assertThat(other.at("/data/status").asText()).isEqualTo("unknown");
            assertThat(other.at("/data/subject").asText()).isEqualTo("beamline.router.v1.other");
            router.close();
        }
    }

    @Test
    void measuredLatencyAboveAThresholdTurnsTheStatusToWarning() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Connection routerConnection = Nats.connect(nats.url());
             Connection client = Nats.connect(nats.url())) {
            RouterService router = start(routerConnection, nats, new Backpressure.Thresholds(1000, 0, 500));
            for (int i = 0; i < 10; i++) {
                client.request(RouterService.DECIDE_SUBJECT, "{}".getBytes(StandardCharsets.UTF_8), WAIT);
            }
            JsonNode reply = JSON.readTree(client.request(STATUS, ASK, WAIT).getData());
            assertThat(reply.at("/data/metrics/latency_p95_ms").asLong()).isPositive();
            assertThat(reply.at("/data/status").asText()).isEqualTo("warning");
            router.close();
        }
    }
}
