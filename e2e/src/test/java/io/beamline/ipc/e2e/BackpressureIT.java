package io.beamline.ipc.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 6 of the resilience issue: the Router's backpressure status goes active → clients get 429
 * router_overloaded with the Router's retry-after and no request reaches it; the status clears → traffic
 * resumes on its own. The status is driven by real load on the reference Router: decides held by delay faults
 * (sent straight over NATS) push its p95 above 5 s and its in-flight count above 500: two thresholds → active.
 */
class BackpressureIT {

    private static final String DECIDE = "beamline.router.v1.decide";

    @TempDir
    Path dir;

    private static byte[] decide(String id, String policy) {
        ObjectNode r = Json.mapper().createObjectNode().put("version", "1").put("request_id", id)
                .put("tenant_id", "load").put("policy_id", policy);
        r.putObject("task").put("type", "t").putObject("payload").put("prompt", "hello world");
        return Json.write(r);
    }

    private static IpcErrorException outcome(IpcClient client) throws InterruptedException {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate");
        p.putObject("payload").put("prompt", "Hello, world");
        try {
            client.submit(p).get();
            return null;
        } catch (ExecutionException e) {
            return (IpcErrorException) e.getCause();
        }
    }

    private static long decidesServed(Connection nc) throws Exception {
        Message m = nc.request("$SRV.STATS.beamline-router", new byte[0], Duration.ofSeconds(5));
        for (JsonNode ep : Json.mapper().readTree(m.getData()).path("endpoints")) {
            if (DECIDE.equals(ep.path("subject").asText())) {
                return ep.path("num_requests").asLong();
            }
        }
        throw new AssertionError("no decide endpoint in " + new String(m.getData(), UTF_8));
    }

    @Test
    void anActiveRouterIsNotSentAnythingAndTrafficResumesWhenItClears() throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies").resolve("load"));
        Files.writeString(policies.resolve("slow.json"),
                "{\"providers\": [{\"name\": \"p\", \"weight\": 100}], \"faults\": {\"delay_ms\": 5200}}");
        Files.writeString(policies.resolve("held.json"),
                "{\"providers\": [{\"name\": \"p\", \"weight\": 100}], \"faults\": {\"delay_ms\": 120000}}");
        Path config = Files.writeString(dir.resolve("gw.yaml"),
                "backpressure: {poll_interval_ms: 200}\nbreaker: {open_ms: 1000}\n");
        try (Deployment d = Deployment.start(dir,
                List.of("--enable-faults", "--policies", dir.resolve("policies").toString()),
                List.of("--config", config.toString()));
             IpcClient client = IpcClient.connect(d.socket);
             Connection nc = Nats.connect(d.nats.url())) {
            assertThat(outcome(client)).as("served while the Router is idle").isNull();

            // p95 above 5000 ms: 20 decides that take 5.2 s each.
            List<CompletableFuture<Message>> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                slow.add(nc.request(DECIDE, decide("slow-" + i, "slow")));
            }
            CompletableFuture.allOf(slow.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            // In flight above 500: decides held until cancelled.
            List<String> held = new ArrayList<>();
            List<CompletableFuture<Message>> heldReplies = new ArrayList<>();
            for (int i = 0; i < 520; i++) {
                held.add("held-" + i);
                heldReplies.add(nc.request(DECIDE, decide("held-" + i, "held")));
            }
            nc.flush(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(20)).until(() -> d.metric("router_backpressure_status") == 2.0);
            long servedBefore = decidesServed(nc);
            for (int i = 0; i < 5; i++) {
                IpcErrorException e = outcome(client);
                assertThat(e).isNotNull();
                assertThat(e.reason()).isEqualTo("router_overloaded");
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryable()).isTrue();
                assertThat(e.retryAfterMs().orElseThrow()).as("the Router's policy.retry_after_seconds")
                        .isEqualTo(30_000L);
            }
            assertThat(decidesServed(nc)).as("no request reached the Router").isEqualTo(servedBefore);
            assertThat(d.metric("gateway_submits_refused_total{reason=\"router_overloaded\"}"))
                    .isGreaterThanOrEqualTo(5.0);

            // The load goes away: the held decides are cancelled and answered at once.
            for (String id : held) {
                nc.publish("beamline.router.v1.cancel", Json.write(Json.mapper().createObjectNode()
                        .put("request_id", id).put("reason", "test_done")));
            }
            CompletableFuture.allOf(heldReplies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> outcome(client) == null);
            assertThat(d.metric("router_backpressure_status")).as("no longer active").isLessThan(2.0);
        }
    }
}
