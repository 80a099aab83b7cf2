package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway as users run it: a real process started by bin/ipc-gateway. */
class GatewayProcessIT {

    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void helpListsTheOptionsAndExitsZero() {
        try (LauncherProcess p = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--help")) {
            assertThat(p.awaitExit(START)).isZero();
            assertThat(p.stdout()).contains("--socket", "--nats", "--config", "Exit codes");
        }
    }

    @Test
    void servesPingThenStopsCleanlyOnSigtermWithExitZeroAndRemovesItsSocket() {
        Path sock = dir.resolve("gw.sock");
        try (LauncherProcess p = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--socket", sock.toString())) {
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

    @Test
    void legacyEnvironmentNamesOfTheCGatewayAreHonoured() {
        Path sock = dir.resolve("legacy.sock");
        try (LauncherProcess p = LauncherProcess.start("ipc-gateway", dir,
                Map.of("CGW_IPC_SOCKET_PATH", sock.toString(), "CGW_IPC_MAX_CONNECTIONS", "64"))) {
            p.awaitStdout("listening on " + sock, START);
        }
    }

    @Test
    void aSecondGatewayOnTheSameSocketRefusesToStartWithExitOne() {
        Path sock = dir.resolve("gw.sock");
        try (LauncherProcess first = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--socket", sock.toString())) {
            first.awaitStdout("listening on", START);
            try (LauncherProcess second = LauncherProcess.start("ipc-gateway", dir, Map.of(),
                    "--socket", sock.toString())) {
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
