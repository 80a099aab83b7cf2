package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcConnectionException;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's shutdown, on a real gateway process started by its launcher: SIGTERM stops accepting, answers
 * what is in flight, refuses new tasks, exits 0 and removes the socket; a second SIGTERM exits at once.
 * The Router holds replies by fault injection (tenant "slow"), so "in flight" is real.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShutdownIT {

    /**
     * How long the Router holds the task in flight during the drain test. The drain's checks take
     * milliseconds; this leaves seconds for a busy machine before the answer ends the drain.
     */
    private static final int IN_FLIGHT_MS = 5_000;
    /** Each task's deadline (the gateway's cap): far beyond IN_FLIGHT_MS, so the answer is the Router's. */
    private static final int DEADLINE_MS = 30_000;
    /** The gateway's drain timeout: far beyond IN_FLIGHT_MS, so the drain ends by the answer, not by it. */
    private static final int DRAIN_TIMEOUT_MS = 120_000;
    /** A second SIGTERM must end the gateway well within this (the drain would take DRAIN_TIMEOUT_MS). */
    private static final Duration PROMPT_EXIT = Duration.ofSeconds(20);

    private Path dir;
    private NatsServerProcess nats;
    private LauncherProcess router;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path slow = Files.createDirectories(dir.resolve("policies/slow"));
        Files.writeString(slow.resolve("default.json"),
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"delay_ms\":" + IN_FLIGHT_MS + "}}");
        Files.writeString(slow.resolve("stuck.json"), // never answered while the test runs
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"delay_ms\":600000}}");
        nats = NatsServerProcess.start();
        router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(), "--enable-faults",
                "--policies", dir.resolve("policies").toString());
        router.awaitStdout("serving", Deployment.START);
    }

    @AfterAll
    void stop() {
        try (NatsServerProcess n = nats) {
            router.close();
        }
    }

    private LauncherProcess gateway(Path socket) {
        LauncherProcess g = LauncherProcess.start("ipc-gateway", dir,
                Map.of("BEAMLINE_SHUTDOWN_DRAIN_TIMEOUT_MS", Integer.toString(DRAIN_TIMEOUT_MS)),
                "--nats", nats.url(), "--socket", socket.toString());
        g.awaitStdout("admin:", Deployment.START);
        await().until(() -> Deployment.metric(g, "nats_connections_connected") > 0);
        return g;
    }

    private static ObjectNode submit(String policy) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t").put("tenant_id", "slow")
                .put("policy_id", policy).put("deadline_ms", DEADLINE_MS);
        p.putObject("payload").put("prompt", "Hello, world");
        return p;
    }

    @Test
    void sigtermAnswersWhatIsInFlightRefusesNewWorkExitsZeroAndRemovesTheSocket() throws Exception {
        Path socket = dir.resolve("drain.sock");
        try (LauncherProcess g = gateway(socket); IpcClient client = IpcClient.connect(socket)) {
            CompletableFuture<TaskResponse> inFlight = client.submit(submit("default"));
            await().until(() -> Deployment.metric(g, "router_requests_pending") == 1);

            g.terminate();

            await().untilAsserted(() -> assertThatThrownBy(() -> IpcClient.connect(socket).close())
                    .as("no new connections while draining").isInstanceOf(IpcConnectionException.class));
            // Still draining when the new task goes out (the Router holds the first one IN_FLIGHT_MS). Its
            // refusal comes after the first task's answer: one connection answers in request order.
            assertThat(inFlight).as("premise: the task in flight is not answered yet").isNotDone();
            ExecutionException refused = catchThrowableOfType(ExecutionException.class,
                    () -> client.submit(submit("default")).get());
            assertThat(refused).as("a new task during the drain is refused").isNotNull();
            IpcErrorException e = (IpcErrorException) refused.getCause();
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.reason()).isEqualTo("shutting_down");
            assertThat(e.retryable()).isTrue();

            assertThat(inFlight.get().decision()).as("the task in flight is answered").isPresent();
            assertThat(g.awaitExit(Deployment.START)).isZero();
            assertThat(socket).doesNotExist();
            assertThat(g.stderr()).contains("draining").doesNotContain("drain timeout", "LEAK");
        }
    }

    @Test
    void aSecondSigtermExitsAtOnceWithoutWaitingForTheDrain() throws Exception {
        Path socket = dir.resolve("hurry.sock");
        try (LauncherProcess g = gateway(socket); IpcClient client = IpcClient.connect(socket)) {
            CompletableFuture<TaskResponse> stuck = client.submit(submit("stuck"));
            await().until(() -> Deployment.metric(g, "router_requests_pending") == 1);
            g.terminate();
            await().until(() -> g.stderr().contains("draining"));
            g.terminate();
            long started = System.nanoTime();
            assertThat(g.awaitExit(Deployment.START)).isEqualTo(128 + 15);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the %d ms drain", DRAIN_TIMEOUT_MS)
                    .isLessThan(PROMPT_EXIT);
            assertThat(catchThrowableOfType(ExecutionException.class, stuck::get)).isNotNull();
        }
    }
}
