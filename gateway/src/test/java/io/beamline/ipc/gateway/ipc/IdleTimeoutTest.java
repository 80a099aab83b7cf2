package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static io.beamline.ipc.testkit.RawIpcConnection.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.IpcLimits;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.StreamSink;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskService;
import io.beamline.ipc.gateway.task.TaskStream;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.SubmitPayload;
import io.beamline.ipc.protocol.TaskRef;
import io.beamline.ipc.testkit.RawIpcConnection;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over a real socket: ipc.idle_timeout_ms closes idle connections, never one with a request in flight or a
 * stream open.
 */
class IdleTimeoutTest {

    private static final Duration GIVE_UP = Duration.ofSeconds(30);
    /** Long enough that a busy machine gets a fresh connection's first request out well within it. */
    private static final Duration IDLE = Duration.ofSeconds(2);

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
                IDLE, IpcLimits.DEFAULT_MAX_BUFFERED_BYTES));
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(cfg, tasks);
             RawIpcConnection busy = RawIpcConnection.open(s.socketPath());
             RawIpcConnection idle = RawIpcConnection.open(s.socketPath())) {
            busy.send(frame(MessageType.TASK_SUBMIT, "{\"task_type\":\"t\",\"payload\":{\"n\":1}}"));
            await().atMost(GIVE_UP).until(() -> tasks.submitted.size() == 1);
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

    /** STREAM_SUBSCRIBE attaches to a stream that stays open until the test ends it. */
    private static final class OpenStreamTasks implements TaskService {
        final CompletableFuture<StreamSink> sink = new CompletableFuture<>();

        private final TaskStream stream = new TaskStream() {
            @Override
            public String taskId() {
                return "t1";
            }

            @Override
            public Optional<ErrorBody> attach(long fromSeq, StreamSink s, boolean owner) {
                sink.complete(s);
                return Optional.empty();
            }

            @Override
            public void detach(StreamSink s) {
            }

            @Override
            public void overflowed(StreamSink s) {
            }
        };

        @Override
        public CompletableFuture<TaskAnswer> subscribe(ObjectNode payload, Caller caller) {
            ObjectNode ok = Json.mapper().createObjectNode().put("ok", true).put("task_id", "t1").put("from_seq", 1);
            return CompletableFuture.completedFuture(new TaskAnswer.Streaming(ok, stream, 1, false));
        }

        @Override
        public CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<TaskAnswer> query(TaskRef task) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<TaskAnswer> cancel(TaskRef task) {
            return new CompletableFuture<>();
        }
    }

    @Test
    void aConnectionWithAnOpenStreamIsNotIdle() throws Exception {
        IpcConfig cfg = TestServers.config(dir).withLimits(new IpcLimits(64, 960, Duration.ofSeconds(10),
                IDLE, IpcLimits.DEFAULT_MAX_BUFFERED_BYTES));
        OpenStreamTasks tasks = new OpenStreamTasks();
        try (IpcServer s = TestServers.start(cfg, tasks);
             RawIpcConnection following = RawIpcConnection.open(s.socketPath())) {
            following.send(Frame.v2(MessageType.STREAM_SUBSCRIBE, 5,
                    "{\"task_id\":\"t1\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(following.read(GIVE_UP).type()).isEqualTo(MessageType.RESPONSE_OK);
            StreamSink sink = tasks.sink.get(30, TimeUnit.SECONDS);
            try (RawIpcConnection idle = RawIpcConnection.open(s.socketPath())) {
                assertClosedForIdleness(idle);
            }
            try (RawIpcConnection later = RawIpcConnection.open(s.socketPath())) {
                assertClosedForIdleness(later); // the stream has been silent for two idle periods by now
            }
            sink.end(Json.mapper().createObjectNode().put("ok", true).put("task_id", "t1")
                    .put("status", "complete").put("chunks", 0).put("bytes", 0));
            Frame end = following.read(GIVE_UP);
            assertThat(end.type()).as("the stream's connection was kept").isEqualTo(MessageType.STREAM_COMPLETE);
            assertClosedForIdleness(following); // the stream ended: now it is idle like any other
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
