package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.IpcLimits;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over a real socket, where every connection of this JVM is one process to the kernel: the per-pid cap. */
class ConnectionCapsTest {

    @TempDir
    Path dir;

    private IpcConfig config(int maxConnections, int perPid, int perUid) {
        return new IpcConfig(dir.resolve("gw.sock"), maxConnections, Frame.MAX_FRAME_BYTES,
                TestServers.SELF_AND_ROOT, 1).withLimits(new IpcLimits(perPid, perUid, Duration.ofSeconds(10),
                Duration.ZERO, IpcLimits.DEFAULT_MAX_BUFFERED_BYTES));
    }

    private static RawIpcConnection served(Path socket) {
        RawIpcConnection c = RawIpcConnection.open(socket);
        c.send(Frame.of(MessageType.PING));
        assertThat(c.read().type()).isEqualTo(MessageType.PONG);
        return c;
    }

    @Test
    void theConnectionOverTheProcessCapIsToldWhichLimitThenClosed() throws Exception {
        try (IpcServer s = TestServers.start(config(16, 3, 10))) {
            List<RawIpcConnection> admitted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                admitted.add(served(s.socketPath()));
            }
            try (RawIpcConnection fourth = RawIpcConnection.open(s.socketPath())) {
                JsonNode error = errorOf(fourth.read());
                assertThat(error.path("code").asInt()).isEqualTo(8);
                assertThat(error.path("status").asInt()).isEqualTo(503);
                assertThat(error.path("reason").asText()).isEqualTo("connection_limit_pid");
                assertThat(error.path("retryable").asBoolean()).isTrue();
                assertThat(error.path("message").asText()).contains("ipc.max_connections_per_pid", "3 connections");
                assertThat(fourth.awaitClosed(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(s.openConnections()).as("the refused one took no slot of ipc.max_connections").isEqualTo(3);

            admitted.remove(0).close();
            await().atMost(Duration.ofSeconds(30)).until(() -> s.openConnections() == 2);
            admitted.add(served(s.socketPath())); // a closed connection frees its slot
            admitted.forEach(RawIpcConnection::close);
        }
    }

    @Test
    void aConnectionRefusedByTheTotalLimitGivesItsProcessSlotBack() throws Exception {
        try (IpcServer s = TestServers.start(config(2, 3, 10))) {
            RawIpcConnection first = served(s.socketPath());
            RawIpcConnection second = served(s.socketPath());
            for (int i = 0; i < 5; i++) { // each is counted for the process, then refused by the total: and released
                try (RawIpcConnection over = RawIpcConnection.open(s.socketPath())) {
                    assertThat(errorOf(over.read()).path("reason").asText()).isEqualTo("connection_limit");
                    assertThat(over.awaitClosed(Duration.ofSeconds(10))).isTrue();
                }
            }
            first.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> s.openConnections() == 1);
            try (RawIpcConnection third = served(s.socketPath())) {
                second.close();
                await().atMost(Duration.ofSeconds(30)).until(() -> s.openConnections() == 1);
                // Had any refusal leaked its process count, the cap of 3 would now refuse a second connection.
                try (RawIpcConnection fourth = served(s.socketPath())) {
                    assertThat(s.openConnections()).isEqualTo(2);
                }
            }
        }
    }
}
