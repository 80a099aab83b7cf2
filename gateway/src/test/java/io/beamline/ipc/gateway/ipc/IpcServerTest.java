package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.assertError;
import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static io.beamline.ipc.testkit.RawIpcConnection.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.UidAllowList;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpcServerTest {

    @TempDir
    Path dir;

    @Test
    void pingIsAnsweredWithAnEmptyPong() throws Exception {
        try (IpcServer s = TestServers.start(TestServers.config(dir));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(Frame.of(MessageType.PING));
            Frame pong = c.read();
            assertThat(pong.type()).isEqualTo(MessageType.PONG);
            assertThat(pong.payload()).isEmpty();
        }
    }

    @Test
    void capabilitiesDescribeThisGateway() throws Exception {
        IpcConfig cfg = new IpcConfig(dir.resolve("gw.sock"), 8, 65_536, TestServers.SELF_AND_ROOT, 1);
        try (IpcServer s = TestServers.start(cfg);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(Frame.of(MessageType.CAPABILITIES));
            Frame f = c.read();
            assertThat(f.type()).isEqualTo(MessageType.RESPONSE_OK);
            JsonNode caps = Json.parseObject(f.payload());
            assertThat(caps.path("protocol_versions").toString()).isEqualTo("[1,2]");
            assertThat(caps.path("max_frame_bytes").asInt()).isEqualTo(65_536);
            assertThat(caps.path("message_types")).hasSize(12);
            assertThat(caps.path("gateway_version").asText()).isNotBlank();
            assertThat(caps.path("features").toString()).contains("pipelining", "peer_credentials", "tasks",
                    "multiplexing", "streaming", "stream_resume", "cancel_by_request_id");
            assertThat(servedByName(caps)).as("every type is served")
                    .containsEntry("TASK_SUBMIT", true).containsEntry("TASK_QUERY", true)
                    .containsEntry("TASK_CANCEL", true).containsEntry("STREAM_SUBSCRIBE", true)
                    .containsEntry("PING", true).containsEntry("CAPABILITIES", true);
            assertThat(caps.path("error_codes").findValuesAsText("reason")).contains("not_implemented", "overloaded");
        }
    }

    /** CAPABILITIES' message_types as name -> served. */
    private static Map<String, Boolean> servedByName(JsonNode caps) {
        Map<String, Boolean> served = new HashMap<>();
        caps.path("message_types").forEach(t -> served.put(t.path("name").asText(), t.path("served").asBoolean()));
        return served;
    }

    @Test
    void streamSubscribeIsHandedToTheTaskService() throws Exception {
        try (IpcServer s = TestServers.start(TestServers.config(dir));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(frame(MessageType.STREAM_SUBSCRIBE, "{}"));
            assertError(c.read(), ErrorCode.NOT_IMPLEMENTED);
        }
    }

    @Test
    void answersKeepRequestOrderWhenWorkFinishesOutOfOrder() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            int n = 20;
            for (int i = 0; i < n; i++) {
                c.send(frame(MessageType.TASK_SUBMIT, "{\"n\":" + i + "}"));
            }
            await().until(() -> tasks.submitted.size() == n);
            for (int i = n - 1; i >= 0; i--) { // finish the last first
                ControllableTasks.Pending p = tasks.submitted.get(i);
                p.future().complete(Json.mapper().createObjectNode().put("ok", true).put("n", p.payload().get("n").asInt()));
            }
            for (int i = 0; i < n; i++) {
                Frame f = c.read();
                assertThat(f.type()).isEqualTo(MessageType.RESPONSE_OK);
                assertThat(Json.parseObject(f.payload()).path("n").asInt()).isEqualTo(i);
            }
        }
    }

    @Test
    void aConnectionWaitingOnSlowWorkDoesNotBlockOthers() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks);
             RawIpcConnection slow = RawIpcConnection.open(s.socketPath());
             RawIpcConnection other = RawIpcConnection.open(s.socketPath())) {
            slow.send(frame(MessageType.TASK_SUBMIT, "{\"n\":1}"));
            slow.send(Frame.of(MessageType.PING)); // queued behind the submit on its own connection
            await().until(() -> tasks.submitted.size() == 1);
            other.send(Frame.of(MessageType.PING));
            assertThat(other.read().type()).isEqualTo(MessageType.PONG);
            tasks.submitted.get(0).future().complete(Json.mapper().createObjectNode().put("ok", true));
            assertThat(slow.read().type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(slow.read().type()).isEqualTo(MessageType.PONG);
        }
    }

    @Test
    void inFlightWorkIsCancelledWhenTheClientDisconnects() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks)) {
            try (RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
                for (int i = 0; i < 5; i++) {
                    c.send(frame(MessageType.TASK_SUBMIT, "{\"n\":" + i + "}"));
                }
                await().until(() -> tasks.submitted.size() == 5);
            }
            await().untilAsserted(() -> assertThat(tasks.submitted)
                    .allSatisfy(p -> assertThat(p.future()).isCancelled()));
            await().until(() -> s.openConnections() == 0);
        }
    }

    @Test
    void theConnectionOverTheLimitIsToldWhyThenClosed() throws Exception {
        IpcConfig cfg = new IpcConfig(dir.resolve("gw.sock"), 2, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1);
        try (IpcServer s = TestServers.start(cfg)) {
            List<RawIpcConnection> admitted = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RawIpcConnection c = RawIpcConnection.open(s.socketPath());
                c.send(Frame.of(MessageType.PING));
                assertThat(c.read().type()).isEqualTo(MessageType.PONG);
                admitted.add(c);
            }
            try (RawIpcConnection third = RawIpcConnection.open(s.socketPath())) {
                JsonNode error = errorOf(third.read());
                assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.OVERLOADED.code());
                assertThat(error.path("reason").asText()).isEqualTo("connection_limit");
                assertThat(error.path("retryable").asBoolean()).isTrue();
                assertThat(third.awaitClosed(Duration.ofSeconds(5))).isTrue();
            }
            admitted.get(0).close();
            await().until(() -> s.openConnections() == 1);
            try (RawIpcConnection again = RawIpcConnection.open(s.socketPath())) {
                again.send(Frame.of(MessageType.PING));
                assertThat(again.read().type()).as("a freed slot is reusable").isEqualTo(MessageType.PONG);
            }
            admitted.get(1).close();
        }
    }

    @Test
    void aPeerWhoseUidIsNotAllowedIsToldWhyThenClosed() throws Exception {
        UidAllowList onlySomeoneElse = new UidAllowList(false, false, Set.of(54_321));
        IpcConfig cfg = new IpcConfig(dir.resolve("gw.sock"), 8, Frame.MAX_FRAME_BYTES, onlySomeoneElse, 1);
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(cfg, tasks);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            try {
                // Neither may be processed: the PING would be answered at once, the submit reach the task service.
                c.send(Frame.of(MessageType.PING));
                c.send(frame(MessageType.TASK_SUBMIT, "{\"task_type\":\"t\",\"payload\":{\"n\":1}}"));
            } catch (UncheckedIOException alreadyClosed) {
                // the gateway may close before these writes: the error frame is still there to read
            }
            JsonNode error = errorOf(c.read());
            assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.PERMISSION_DENIED.code());
            assertThat(error.path("message").asText()).contains("uid " + ProcessHandleUid.current());
            // The next read ends with the connection (EOF, or a reset for what the gateway left unread): no PONG,
            // no other answer after the rejection.
            Throwable next = catchThrowable(() -> c.read(Duration.ofSeconds(5)));
            assertThat(next).as("no frame after the rejection").isInstanceOf(UncheckedIOException.class);
            assertThat(next.getMessage()).as("closed, not merely silent").doesNotContain("no complete frame within");
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(tasks.submitted).as("nothing a denied peer sent reaches the task service").isEmpty();
        }
    }

    /** The uid the kernel will report for this test process. */
    static final class ProcessHandleUid {
        static int current() throws Exception {
            return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
    }
}
