package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's reload on a real gateway process started with a config file: SIGHUP re-reads the file and applies
 * the reloadable settings to what comes next (connections held and requests in flight are untouched), refuses an
 * invalid file whole, and keeps the running value of a setting that needs a restart. The Router holds replies by
 * fault injection (tenant "slow"), so "in flight across the reload" is real.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReloadIT {

    /** How long the Router holds the task in flight across the reload: seconds for a busy machine to HUP. */
    private static final int IN_FLIGHT_MS = 15_000;

    private Path dir;
    private NatsServerProcess nats;
    private LauncherProcess router;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path slow = Files.createDirectories(dir.resolve("policies/slow"));
        Files.writeString(slow.resolve("default.json"),
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"delay_ms\":" + IN_FLIGHT_MS + "}}");
        Files.writeString(slow.resolve("fast.json"), "{\"providers\":[{\"name\":\"p\",\"weight\":100}]}");
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

    private LauncherProcess gateway(Path config, Path socket) {
        LauncherProcess g = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--nats", nats.url(),
                "--socket", socket.toString(), "--config", config.toString());
        g.awaitStdout("admin:", Deployment.START);
        await().until(() -> Deployment.metric(g, "nats_connections_connected") > 0);
        return g;
    }

    /** SIGHUP to the gateway's JVM (the launcher execs it: its pid is the JVM's). */
    private static void hangup(LauncherProcess g) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(g.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static ObjectNode submit(String policy) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t").put("tenant_id", "slow")
                .put("policy_id", policy).put("deadline_ms", 60_000);
        p.putObject("payload").put("prompt", "Hello, world");
        return p;
    }

    /** Generous timeouts: the machine running the tests may be busy; no assertion here is about time. */
    private static IpcClient connect(Path socket) {
        return IpcClient.connect(socket, IpcClientOptions.defaults().withConnectTimeout(Deployment.START)
                .withRequestTimeout(Deployment.START));
    }

    private static RawIpcConnection served(Path socket) {
        RawIpcConnection c = RawIpcConnection.open(socket);
        c.send(Frame.of(MessageType.PING));
        assertThat(c.read(Deployment.START).type()).isEqualTo(MessageType.PONG);
        return c;
    }

    /** A new connection from this process is refused by the per-process cap (docs/PROTOCOL.md: code 8, 503). */
    private static void assertRefusedByThePidCap(Path socket) {
        try (RawIpcConnection over = RawIpcConnection.open(socket)) {
            Frame answer = over.read(Deployment.START);
            assertThat(answer.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            JsonNode error = Json.parseObject(answer.payload()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(8);
            assertThat(error.path("status").asInt()).isEqualTo(503);
            assertThat(error.path("reason").asText()).isEqualTo("connection_limit_pid");
            assertThat(error.path("message").asText()).contains("already holds 2 connections");
            assertThat(over.awaitClosed(Deployment.START)).isTrue();
        }
    }

    @Test
    void aLoweredPerProcessCapRefusesTheNextConnectionAndLeavesHeldOnesAndWorkInFlightAlone() throws Exception {
        Path config = Files.writeString(dir.resolve("lower.yaml"), "ipc:\n  max_connections_per_pid: 8\n");
        Path socket = dir.resolve("lower.sock");
        try (LauncherProcess g = gateway(config, socket);
             IpcClient first = connect(socket);
             IpcClient second = connect(socket);
             RawIpcConnection third = served(socket)) { // 3 held under the cap of 8
            CompletableFuture<TaskResponse> inFlight = first.submit(submit("default"));
            await().until(() -> Deployment.metric(g, "router_requests_pending") == 1);

            Files.writeString(config, "ipc:\n  max_connections_per_pid: 2\n");
            hangup(g);

            await().atMost(Deployment.START).until(() -> g.stderr()
                    .contains("configuration reloaded: 1 setting(s) changed: ipc.max_connections_per_pid"));
            assertThat(inFlight).as("premise: the task is still in flight after the reload").isNotDone();
            assertRefusedByThePidCap(socket);
            JsonNode status = Json.mapper().readTree(Deployment.adminGet(g, "/status"));
            assertThat(status.path("connections").path("max_per_pid").asInt()).as("/status: the cap now")
                    .isEqualTo(2);
            assertThat(status.path("config").path("ipc.max_connections_per_pid").path("value").asText())
                    .as("/status: the setting now").isEqualTo("2");

            assertThat(inFlight.get().decision()).as("the task in flight across the reload is answered")
                    .isPresent();
            assertThat(second.ping().get()).as("held connections above the new cap stay open").isNotNull();
            third.send(Frame.of(MessageType.PING));
            assertThat(third.read(Deployment.START).type()).isEqualTo(MessageType.PONG);
            assertThat(first.submit(submit("fast")).get().decision()).isPresent();
            assertThat(g.stderr()).doesNotContain("LEAK", "takes effect after a restart");
        }
    }

    @Test
    void anInvalidFileIsRefusedWholeAndTheRunningLimitsStay() throws Exception {
        Path config = Files.writeString(dir.resolve("invalid.yaml"), "ipc:\n  max_connections_per_pid: 2\n");
        Path socket = dir.resolve("invalid.sock");
        try (LauncherProcess g = gateway(config, socket);
             IpcClient first = connect(socket);
             IpcClient second = connect(socket)) {
            // A valid raise beside an invalid value: nothing of it applies.
            Files.writeString(config, "ipc:\n  max_connections_per_pid: 8\nadmission:\n  max_in_flight: 0\n");
            hangup(g);
            await().atMost(Deployment.START).until(() -> g.stderr().contains(
                    "configuration reload refused, the running configuration is kept: invalid admission.max_in_flight"
                            + " = \"0\" (from file " + config + "): out of range; allowed: an integer in 1..1000000"));
            assertRefusedByThePidCap(socket);

            Files.writeString(config, "ipc:\n  max_connections_per_pid: [8\n"); // does not parse
            hangup(g);
            await().atMost(Deployment.START).until(() -> g.stderr().contains(
                    "configuration reload refused, the running configuration is kept: cannot read config file "
                            + config));
            assertThat(g.stderr()).as("one line").doesNotContain("\n in 'reader'");
            assertRefusedByThePidCap(socket);

            assertThat(first.submit(submit("fast")).get().decision()).as("still serving").isPresent();
            assertThat(second.ping().get()).isNotNull();
            assertThat(g.stderr()).doesNotContain("configuration reloaded", "LEAK");
        }
    }

    @Test
    void aSettingThatNeedsARestartIsNamedAndKeepsItsRunningValue() throws Exception {
        Path config = Files.writeString(dir.resolve("restart.yaml"), "ipc:\n  max_frame_bytes: 65536\n");
        Path socket = dir.resolve("restart.sock");
        try (LauncherProcess g = gateway(config, socket)) {
            Files.writeString(config, "ipc:\n  max_frame_bytes: 131072\n");
            hangup(g);

            await().atMost(Deployment.START).until(() -> g.stderr()
                    .contains("configuration unchanged (1 setting(s) changed need a restart)"));
            assertThat(g.stderr()).contains(
                    "ipc.max_frame_bytes changed; takes effect after a restart (the running value is kept)");
            try (IpcClient client = connect(socket)) {
                assertThat(client.capabilities().get().maxFrameBytes()).isEqualTo(65536);
            }
        }
    }

    /**
     * `nohup bin/ipc-gateway &` starts the JVM with SIGHUP ignored, and the JVM installs no handler for an ignored
     * signal; the launcher restores SIGHUP's default first, so reload by signal works there too.
     */
    @Test
    void aGatewayStartedUnderNohupStillReloadsOnSighup() throws Exception {
        Path config = Files.writeString(dir.resolve("nohup.yaml"), "ipc:\n  max_connections_per_pid: 8\n");
        Path socket = dir.resolve("nohup.sock");
        try (LauncherProcess g = LauncherProcess.startCommand(dir, Map.of(), "nohup",
                LauncherProcess.repoRoot().resolve("bin/ipc-gateway").toString(), "--nats", nats.url(),
                "--socket", socket.toString(), "--config", config.toString())) {
            g.awaitStdout("admin:", Deployment.START);
            Files.writeString(config, "ipc:\n  max_connections_per_pid: 2\n");
            hangup(g);

            await().atMost(Deployment.START).until(() -> g.stderr()
                    .contains("configuration reloaded: 1 setting(s) changed: ipc.max_connections_per_pid"));
            assertThat(g.isAlive()).isTrue();
            assertThat(g.stderr()).doesNotContain("SIGHUP is ignored", "LEAK");
        }
    }
}
