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

    private Path dir;
    private NatsServerProcess nats;
    private LauncherProcess router;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path slow = Files.createDirectories(dir.resolve("policies/slow"));
        Files.writeString(slow.resolve("default.json"),
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"delay_ms\":1500}}");
        Files.writeString(slow.resolve("stuck.json"),
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"delay_ms\":60000}}");
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
        LauncherProcess g = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--nats", nats.url(),
                "--socket", socket.toString());
        g.awaitStdout("admin:", Deployment.START);
        await().until(() -> Deployment.metric(g, "nats_connections_connected") > 0);
        return g;
    }

    private static ObjectNode submit(String policy) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t").put("tenant_id", "slow")
                .put("policy_id", policy);
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
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the 10 s drain")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(catchThrowableOfType(ExecutionException.class, stuck::get)).isNotNull();
        }
    }
}
