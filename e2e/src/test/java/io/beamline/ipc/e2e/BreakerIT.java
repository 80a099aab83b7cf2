package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7 of the resilience issue: the Router stops answering → the breaker opens and clients get fast
 * 503 circuit_open with the time left; a Router comes back → half-open probes → closed, on its own.
 */
class BreakerIT {

    /**
     * How long the breaker stays open. The checks made while it is open take milliseconds; this leaves
     * seconds for a busy machine before the breaker lets probes through and "circuit_open" ends.
     */
    private static final int OPEN_MS = 5_000;
    /** A long deadline (the gateway's cap), against which a refusal "at once" is unmistakable. */
    private static final int DEADLINE_MS = 30_000;

    @TempDir
    Path dir;

    private static ObjectNode submit() {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate")
                .put("deadline_ms", DEADLINE_MS);
        p.putObject("payload").put("prompt", "Hello, world");
        return p;
    }

    /** @return null when the submit succeeded, else its error */
    private static IpcErrorException outcome(IpcClient client) throws InterruptedException {
        try {
            // The client waits longer than the deadline: a late answer shows as the gateway's, not as its own.
            client.submit(submit(), Duration.ofMillis(2L * DEADLINE_MS)).get();
            return null;
        } catch (ExecutionException e) {
            return (IpcErrorException) e.getCause();
        }
    }

    @Test
    void theRouterGoneOpensTheBreakerAndItsReturnClosesIt() throws Exception {
        Path config = Files.writeString(dir.resolve("gw.yaml"),
                "breaker: {open_ms: " + OPEN_MS + ", minimum_calls: 10, window_size: 20}\n"
                        + "backpressure: {poll_interval_ms: 0}\n");
        try (Deployment d = Deployment.start(dir, List.of(), List.of("--config", config.toString()));
             IpcClient client = IpcClient.connect(d.socket)) {
            assertThat(outcome(client)).as("served while the Router is up").isNull();
            assertThat(d.metric("router_breaker_state")).isZero();

            d.router.terminate();
            d.router.awaitExit(Deployment.START);

            int noResponders = 0;
            IpcErrorException open = null;
            for (int i = 0; i < 30 && open == null; i++) {
                IpcErrorException e = outcome(client);
                assertThat(e).isNotNull();
                if (e.reason().equals("circuit_open")) {
                    open = e;
                } else {
                    assertThat(e.reason()).isEqualTo("no_responders");
                    noResponders++;
                }
            }
            assertThat(open).as("the breaker opened").isNotNull();
            // The window's minimum of 10 calls holds the first success and 9 failures: 90 % ≥ 50 %.
            assertThat(noResponders).as("it opened once the window's minimum was reached").isEqualTo(9);
            assertThat(open.status()).isEqualTo(503);
            assertThat(open.retryable()).isTrue();
            assertThat(open.retryAfterMs().orElseThrow()).isBetween(1L, (long) OPEN_MS);
            long t0 = System.nanoTime();
            assertThat(outcome(client).reason()).isEqualTo("circuit_open");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("answered at once, not at the %d ms deadline",
                    DEADLINE_MS).isLessThan(Duration.ofMillis(DEADLINE_MS / 6));
            assertThat(d.metric("router_breaker_state")).isEqualTo(1.0);
            assertThat(d.metric("gateway_submits_refused_total{reason=\"circuit_open\"}")).isGreaterThanOrEqualTo(2.0);

            try (LauncherProcess back = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", d.nats.url())) {
                back.awaitStdout("serving", Deployment.START);
                // After the wait the probes go through and succeed; the breaker closes without help.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> outcome(client) == null);
                for (int i = 0; i < 5; i++) {
                    assertThat(outcome(client)).isNull();
                }
                assertThat(d.metric("router_breaker_state")).as("closed").isZero();
                assertThat(d.metric("router_breaker_opened_total")).isEqualTo(1.0);
                back.terminate();
                back.awaitExit(Deployment.START);
            }
        }
    }
}
