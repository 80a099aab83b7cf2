package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static io.beamline.ipc.testkit.RawIpcConnection.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.IpcLimits;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over a real socket: ipc.idle_timeout_ms closes idle connections, never one with a request in flight. */
class IdleTimeoutTest {

    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static void assertClosedForIdleness(RawIpcConnection c) {
        JsonNode error = errorOf(c.read(GIVE_UP));
        assertThat(error.path("code").asInt()).isEqualTo(6);
        assertThat(error.path("reason").asText()).isEqualTo("idle_timeout");
        assertThat(error.path("retryable").asBoolean()).isTrue();
        assertThat(error.path("message").asText()).contains("ipc.idle_timeout_ms");
        assertThat(c.awaitClosed(GIVE_UP)).isTrue();
    }

    @Test
    void anIdleConnectionIsClosedAndOneWithARequestInFlightIsNot() throws Exception {
        IpcConfig cfg = TestServers.config(dir).withLimits(new IpcLimits(64, 960, Duration.ofSeconds(10),
                Duration.ofMillis(400), IpcLimits.DEFAULT_MAX_BUFFERED_BYTES));
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(cfg, tasks);
             RawIpcConnection busy = RawIpcConnection.open(s.socketPath());
             RawIpcConnection idle = RawIpcConnection.open(s.socketPath())) {
            busy.send(frame(MessageType.TASK_SUBMIT, "{\"task_type\":\"t\",\"payload\":{\"n\":1}}"));
            await().atMost(GIVE_UP).until(() -> tasks.submitted.size() == 1);
            idle.send(Frame.of(MessageType.PING));
            assertThat(idle.read(GIVE_UP).type()).isEqualTo(MessageType.PONG);

            assertClosedForIdleness(idle);
            // A second idle connection opened after the first closed: by the time it is closed, the busy one has
            // gone without a byte for at least two idle periods.
            try (RawIpcConnection later = RawIpcConnection.open(s.socketPath())) {
                assertClosedForIdleness(later);
            }
            tasks.submitted.get(0).future().complete(Json.mapper().createObjectNode().put("ok", true));
            Frame answer = busy.read(GIVE_UP);
            assertThat(answer.type()).as("the connection with a request in flight was kept")
                    .isEqualTo(MessageType.RESPONSE_OK);
            assertClosedForIdleness(busy); // once answered, it is idle like any other
            await().atMost(GIVE_UP).until(() -> s.openConnections() == 0);
        }
    }

    @Test
    void withTheDefaultAConnectionIsNeverClosedForIdleness() throws Exception {
        // Default off: nothing to wait for; the pipeline simply has no idle handler. A read with a short wait
        // that finds nothing shows the connection is still there and silent.
        try (IpcServer s = TestServers.start(TestServers.config(dir));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            assertThat(IpcLimits.DEFAULTS.idleTimeoutEnabled()).isFalse();
            c.send(Frame.of(MessageType.PING));
            assertThat(c.read(GIVE_UP).type()).isEqualTo(MessageType.PONG);
            assertThat(c.awaitClosed(Duration.ofSeconds(1))).isFalse();
        }
    }
}
