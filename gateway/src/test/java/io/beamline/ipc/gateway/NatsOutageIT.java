package io.beamline.ipc.gateway;

import static io.beamline.ipc.gateway.RouterPathIT.errorOf;
import static io.beamline.ipc.gateway.RouterPathIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NATS going away: in-flight requests and new ones get an immediate, retryable 503; it comes back by itself. */
class NatsOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** What ScriptedRouter decides for a submit of the default tenant, written out. */
    private static final ObjectNode SCRIPTED_DECISION = json("{\"expected_cost\":0.0,\"expected_latency_ms\":0,"
            + "\"metadata\":{\"executed_extensions\":[],\"tenant_id\":\"default_tenant\"},\"priority\":50,"
            + "\"provider_id\":\"openai\",\"reason\":\"weighted\"}");

    @TempDir
    Path dir;

    @Test
    void inFlightAndNewRequestsFailFastWhileNatsIsDownAndServeAgainAfter() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                     "ipc.socket_path", dir.resolve("gw.sock").toString(), "admin.port", "0",
                     "nats.url", nats.url(),
                     "nats.reconnect_wait_ms", "50",
                     "router.timeout_ms", "20000")))) {
            await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
            ScriptedRouter router = new ScriptedRouter(nats.url());
            try (IpcClient client = IpcClient.connect(gateway.socketPath())) {
                assertThat(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hi there\"}}"))
                        .get(10, TimeUnit.SECONDS).decision()).isPresent();

                router.decide = m -> null;
                router.decideRequests.clear(); // the answered one above was queued before its reply went out
                CompletableFuture<TaskResponse> inFlight =
                        client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hi there\"}}"));
                assertThat(router.decideRequests.poll(10, TimeUnit.SECONDS)).as("the Router has it").isNotNull();
                long start = System.nanoTime();
                nats.stop();
                IpcErrorException dropped = errorOf(inFlight);
                // Stopping the server may take its 5 s grace, then a SIGKILL: still far from the 20 s deadline.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 20 s deadline")
                        .isLessThan(Duration.ofSeconds(15));
                assertThat(dropped.status()).isEqualTo(503);
                assertThat(dropped.reason()).isEqualTo("nats_disconnected");
                assertThat(dropped.retryable()).isTrue();
                assertThat(dropped.errorMessage()).contains("may have seen it");

                await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 0);
                long t0 = System.nanoTime();
                IpcErrorException down = errorOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"x\"}}")));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("not the 20 s deadline")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(down.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(down.reason()).isEqualTo("nats_unavailable");
                assertThat(down.retryable()).isTrue();
                assertThat(gateway.router().pending()).isZero();

                nats.restart();
                await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
                assertThat(gateway.router().pool().reconnects()).as("the pool's one connection came back").isGreaterThanOrEqualTo(1);
                router.decide = ScriptedRouter::decision;
                // The scripted Router reconnects by itself, when it does: until then a submit may get no_responders.
                await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(client.submit(
                        json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"back\"}}")).get(5, TimeUnit.SECONDS)
                        .decision()).contains(SCRIPTED_DECISION));
            } finally {
                router.close();
            }
        }
    }

    @Test
    void theGatewayStartsWithoutNatsAndAnswers503UntilItComes() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start()) {
            String url = nats.url();
            nats.stop();
            try (Gateway gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                    "ipc.socket_path", dir.resolve("gw2.sock").toString(), "nats.url", url, "admin.port", "0",
                    "nats.reconnect_wait_ms", "50")));
                 IpcClient client = IpcClient.connect(gateway.socketPath())) {
                IpcErrorException e = errorOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"x\"}}")));
                assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.reason()).isEqualTo("nats_unavailable");
                assertThat(e.retryable()).isTrue();

                nats.restart();
                ScriptedRouter router = new ScriptedRouter(url); // subscribed (flushed) before it returns
                try {
                    await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
                    // The first submit after NATS is back reaches the Router and gets its decision, end to end.
                    TaskResponse ok = client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"back\"},"
                            + "\"task_id\":\"after-outage\"}")).get(10, TimeUnit.SECONDS);
                    assertThat(ok.taskId()).contains("after-outage");
                    assertThat(ok.decision()).as("the scripted Router's decision, exactly").contains(SCRIPTED_DECISION);
                    Message seen = router.decideRequests.poll(10, TimeUnit.SECONDS);
                    assertThat(seen).as("the Router saw the request").isNotNull();
                    assertThat(Json.parseObject(seen.getData()).path("request_id").asText()).isEqualTo("after-outage");
                    assertThat(client.query("after-outage").get(10, TimeUnit.SECONDS).status()).contains("succeeded");
                } finally {
                    router.close();
                }
            }
        }
    }
}
