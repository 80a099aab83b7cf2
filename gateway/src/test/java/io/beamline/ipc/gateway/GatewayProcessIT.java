package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The gateway as users run it: a real process started by bin/ipc-gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayProcessIT {

    private static final Duration START = Duration.ofSeconds(30);
    /** The legacy limit under test: well below the default of 1,024, so that its effect is its own. */
    private static final int LEGACY_MAX_CONNECTIONS = 64;

    @TempDir
    Path dir;
    /** A private NATS, so that no gateway here reaches for the default 127.0.0.1:4222 (a shared server). */
    private NatsServerProcess nats;

    @BeforeAll
    void startNats() {
        nats = NatsServerProcess.start();
    }

    @AfterAll
    void stopNats() {
        nats.close();
    }

    /** A gateway on the private NATS; {@code env} as the launcher's environment (CGW_IPC_* names too). */
    private LauncherProcess gateway(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.put("BEAMLINE_NATS_URL", nats.url());
        return LauncherProcess.start("ipc-gateway", dir, all, args);
    }

    @Test
    void helpListsTheOptionsAndExitsZero() {
        try (LauncherProcess p = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--help")) {
            assertThat(p.awaitExit(START)).isZero();
            assertThat(p.stdout()).contains("--socket", "--nats", "--config", "Exit codes");
        }
    }

    @Test
    void servesPingThenStopsCleanlyOnSigtermWithExitZeroAndRemovesItsSocket() {
        Path sock = dir.resolve("ping.sock");
        try (LauncherProcess p = gateway(Map.of(), "--socket", sock.toString())) {
            p.awaitStdout("listening on " + sock, START);
            try (RawIpcConnection c = RawIpcConnection.open(sock)) {
                c.send(Frame.of(MessageType.PING));
                assertThat(c.read().type()).isEqualTo(MessageType.PONG);
            }
            p.terminate();
            assertThat(p.awaitExit(START)).as("exit code after SIGTERM").isZero();
            assertThat(sock).doesNotExist();
            assertThat(p.stderr()).doesNotContain("LEAK");
        }
    }

    /**
     * scripts/launcher.sh's malloc setting (issue 10) reaches the gateway's JVM: two arenas, unless the user set
     * another number.
     */
    @Test
    void theLauncherLimitsMallocsArenasToTwoAndTheUsersValueWins() throws IOException {
        Path sock = dir.resolve("malloc.sock");
        try (LauncherProcess p = gateway(Map.of(), "--socket", sock.toString())) {
            p.awaitStdout("listening on " + sock, START);
            assertThat(environment(p.pid())).containsEntry("MALLOC_ARENA_MAX", "2");
        }
        try (LauncherProcess p = gateway(Map.of("MALLOC_ARENA_MAX", "4"), "--socket", sock.toString())) {
            p.awaitStdout("listening on " + sock, START);
            assertThat(environment(p.pid())).containsEntry("MALLOC_ARENA_MAX", "4");
        }
    }

    /** A live process's environment as the kernel holds it (the launcher execs the JVM: same PID). */
    private static Map<String, String> environment(long pid) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String entry : Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * CGW_IPC_SOCKET_PATH decides where the gateway listens; CGW_IPC_MAX_CONNECTIONS=64 lets exactly 64
     * connections be served at once, and the 65th gets the OVERLOADED "connection_limit" frame of
     * docs/PROTOCOL.md (code 8, status 503, retryable), then is closed.
     */
    @Test
    void legacyEnvironmentNamesOfTheCGatewayAreHonoured() {
        Path sock = dir.resolve("legacy.sock");
        List<RawIpcConnection> served = new ArrayList<>();
        try (LauncherProcess p = gateway(Map.of("CGW_IPC_SOCKET_PATH", sock.toString(),
                "CGW_IPC_MAX_CONNECTIONS", Integer.toString(LEGACY_MAX_CONNECTIONS),
                // All connections come from this one JVM: the per-process cap (64) would refuse the 65th first.
                "BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID", "1000"))) {
            p.awaitStdout("listening on " + sock, START);
            for (int i = 1; i <= LEGACY_MAX_CONNECTIONS; i++) {
                served.add(servedConnection(sock, i));
            }
            try (RawIpcConnection over = RawIpcConnection.open(sock)) {
                Frame answer = over.read();
                assertThat(answer.type()).as("connection 65").isEqualTo(MessageType.RESPONSE_ERROR);
                JsonNode error = Json.parseObject(answer.payload()).path("error");
                assertThat(error.path("code").asInt()).isEqualTo(8);
                assertThat(error.path("reason").asText()).isEqualTo("connection_limit");
                assertThat(error.path("status").asInt()).isEqualTo(503);
                assertThat(error.path("retryable").asBoolean()).isTrue();
                assertThat(over.awaitClosed(START)).as("closed after the answer").isTrue();
            }
            assertThat(served).as("the 64 served ones are unaffected").allMatch(GatewayProcessIT::answersPing);
        } finally {
            served.forEach(RawIpcConnection::close);
        }
    }

    /** Opens a connection and proves the gateway serves it (a PONG), i.e. it counts against the limit. */
    private static RawIpcConnection servedConnection(Path sock, int n) {
        RawIpcConnection c = RawIpcConnection.open(sock);
        try {
            assertThat(answersPing(c)).as("connection %d is served", n).isTrue();
            return c;
        } catch (RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private static boolean answersPing(RawIpcConnection c) {
        c.send(Frame.of(MessageType.PING));
        return c.read().type() == MessageType.PONG;
    }

    @Test
    void aSecondGatewayOnTheSameSocketRefusesToStartWithExitOne() {
        Path sock = dir.resolve("twice.sock");
        try (LauncherProcess first = gateway(Map.of(), "--socket", sock.toString())) {
            first.awaitStdout("listening on", START);
            try (LauncherProcess second = gateway(Map.of(), "--socket", sock.toString())) {
                assertThat(second.awaitExit(START)).isEqualTo(1);
                assertThat(second.stderr()).contains("another gateway is already listening on " + sock);
            }
            assertThat(first.isAlive()).isTrue();
        }
    }

    @Test
    void anInvalidSettingIsNamedWithItsValueAndRangeAndExitsTwo() {
        try (LauncherProcess p = LauncherProcess.start("ipc-gateway", dir, Map.of("CGW_IPC_TIMEOUT_MS", "50"))) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            assertThat(p.stderr()).contains("router.timeout_ms", "\"50\"", "environment CGW_IPC_TIMEOUT_MS",
                    "100..300000");
        }
    }
}
