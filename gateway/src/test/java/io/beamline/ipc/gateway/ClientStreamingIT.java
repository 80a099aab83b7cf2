package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.IpcStreamException;
import io.beamline.ipc.client.StreamChunk;
import io.beamline.ipc.client.StreamEnd;
import io.beamline.ipc.client.StreamStatus;
import io.beamline.ipc.client.TaskStream;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streams through the Java client and {@code bin/ipc} against the real gateway: a private nats-server, a
 * scripted Router answering decide, and the test publishing the Router's stream messages itself (as
 * {@link StreamingIT} does for raw frames).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientStreamingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Path dir;
    private NatsServerProcess nats;
    private Gateway gateway;
    private ScriptedRouter router;
    private Connection publisher;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        nats = NatsServerProcess.start();
        router = new ScriptedRouter(nats.url());
        publisher = Nats.connect(nats.url());
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "ipc.socket_path", dir.resolve("gw.sock").toString(), "admin.port", "0",
                "nats.url", nats.url(),
                "breaker.minimum_calls", "1000", "breaker.window_size", "1000")));
        await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
    }

    @BeforeEach
    void reset() {
        router.decide = ScriptedRouter::decision;
        router.decideRequests.clear();
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        publisher.close();
        router.close();
        nats.close();
    }

    // ---- the Router's side ----

    /** The decide request for a task: by then the gateway is subscribed to its stream. */
    private JsonNode decideSeen(String taskId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = router.decideRequests.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && Json.parseObject(m.getData()).path("request_id").asText().equals(taskId)) {
                return Json.parseObject(m.getData());
            }
        }
        throw new AssertionError("the Router got no decide request for " + taskId + " within " + WAIT);
    }

    private void publish(String taskId, long seq, byte[] data, String end) {
        Headers h = new Headers().put("Beamline-Stream-Seq", Long.toString(seq)).put("Beamline-Request-Id", taskId);
        if (end != null) {
            h.put("Beamline-Stream-End", end);
        }
        publisher.publish(NatsMessage.builder().subject("beamline.router.v1.stream." + taskId).headers(h).data(data)
                .build());
    }

    private void chunk(String taskId, long seq, String text) {
        publish(taskId, seq, text.getBytes(StandardCharsets.UTF_8), null);
    }

    private void complete(String taskId, long seq, long chunks, long bytes) {
        publish(taskId, seq, ("{\"ok\":true,\"request_id\":\"" + taskId + "\",\"chunks\":" + chunks + ",\"bytes\":"
                + bytes + ",\"usage\":{\"tokens\":" + chunks + "}}").getBytes(StandardCharsets.UTF_8), "complete");
    }

    private static ObjectNode submit(String taskId) {
        return Json.parseObject(("{\"task_type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello, world\"}"
                + (taskId == null ? "" : ",\"task_id\":\"" + taskId + "\"") + "}").getBytes(StandardCharsets.UTF_8));
    }

    // ---- a subscriber that takes everything ----

    private static final class Collector implements Flow.Subscriber<StreamChunk> {
        final List<StreamChunk> chunks = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(StreamChunk item) {
            chunks.add(item);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        List<String> texts() {
            return chunks.stream().map(c -> c.text().orElse("<bytes>")).toList();
        }
    }

    private static IpcClient connect(Path socket, int version) {
        IpcClient client = IpcClient.connect(socket, IpcClientOptions.defaults().withProtocolVersion(version));
        assertThat(client.protocolVersion()).isEqualTo(version);
        return client;
    }

    // ---- the Java client ----

    @ParameterizedTest(name = "protocol v{0}")
    @ValueSource(ints = {1, 2})
    void aStreamedSubmitThroughTheJavaClientReceivesEveryChunkInOrderAndTheEnd(int version) throws Exception {
        String taskId = "cs-complete-v" + version;
        try (IpcClient client = connect(gateway.socketPath(), version)) {
            TaskStream stream = client.submitStream(submit(taskId));
            Collector collector = new Collector();
            stream.subscribe(collector);
            JsonNode decide = decideSeen(taskId);
            assertThat(decide.path("task").path("stream").asBoolean()).as("the Router is asked to stream").isTrue();
            // A request sent after the submit: on v1 its answer waits for the stream's end, on v2 it does not.
            CompletableFuture<Duration> ping = client.ping();
            int n = 200;
            long bytes = 0;
            for (int seq = 1; seq <= n; seq++) {
                String text = "chunk " + seq + "\n";
                bytes += text.length();
                chunk(taskId, seq, text);
            }
            publish(taskId, n + 1, new byte[] {(byte) 0xC3, 0x28}, null); // not UTF-8: comes as data_base64
            complete(taskId, n + 2, n + 1, bytes + 2);

            assertThat(stream.answer().get(WAIT.toSeconds(), TimeUnit.SECONDS).decision().orElseThrow()
                    .path("provider_id").asText()).isEqualTo("openai");
            collector.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(collector.chunks).hasSize(n + 1);
            assertThat(collector.chunks).extracting(StreamChunk::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, n + 1).boxed().toList());
            assertThat(collector.texts().get(n - 1)).isEqualTo("chunk " + n + "\n");
            assertThat(collector.chunks.get(n).data()).containsExactly(0xC3, 0x28);
            StreamEnd end = stream.end().getNow(null);
            assertThat(end.status()).isEqualTo(StreamStatus.COMPLETE);
            assertThat(end.chunks()).isEqualTo(n + 1);
            assertThat(end.bytes()).isEqualTo(bytes + 2);
            assertThat(end.usage().orElseThrow().path("tokens").asInt()).isEqualTo(n + 1);
            assertThat(end.taskId()).contains(taskId);
            assertThat(end.traceId()).contains(decide.path("trace_id").asText());
            assertThat(ping.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();
            assertThat(client.toString()).endsWith("open, 0 pending]");
        }
    }

    @ParameterizedTest(name = "protocol v{0}")
    @ValueSource(ints = {1, 2})
    void cancellingTheSubscriptionReachesTheRouterAsACancelNotice(int version) throws Exception {
        try (IpcClient client = connect(gateway.socketPath(), version)) {
            TaskStream stream = client.submitStream(submit(null)); // on v2 the gateway names the task
            Collector collector = new Collector();
            stream.subscribe(collector);
            String taskId = nextDecide().path("request_id").asText();
            if (version == 1) {
                assertThat(stream.taskId()).as("a v1 streamed submit is named by the client").contains(taskId);
            }
            chunk(taskId, 1, "a");
            chunk(taskId, 2, "b");
            await().atMost(WAIT).until(() -> collector.chunks.size() == 2);

            collector.subscription.get().cancel();

            assertThat(router.cancelNoticeFor(taskId, WAIT).path("reason").asText()).isEqualTo("client_cancel");
            Throwable end = stream.end().handle((ok, e) -> e).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(end).isInstanceOf(IpcStreamException.class);
            IpcStreamException cancelled = (IpcStreamException) end;
            assertThat(cancelled.status()).isEqualTo(StreamStatus.CANCELLED);
            assertThat(cancelled.chunks()).isEqualTo(2);
            assertThat(cancelled.taskId()).contains(taskId);
            chunk(taskId, 3, "late"); // the Router had not stopped yet: nothing more reaches anyone
            assertThat(client.ping().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();
            assertThat(collector.texts()).containsExactly("a", "b");
            assertThat(collector.done).isNotDone();
            await().atMost(WAIT).until(() -> client.toString().endsWith("open, 0 pending]"));
        }
    }

    /** The next decide request, whichever task it is for. */
    private JsonNode nextDecide() throws InterruptedException {
        Message m = router.decideRequests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(m).as("the Router got the decide request").isNotNull();
        return Json.parseObject(m.getData());
    }

    @Test
    void anotherConnectionSubscribesFromASeqAndGetsTheRestAndTheEnd() throws Exception {
        String taskId = "cs-resume";
        try (IpcClient owner = IpcClient.connect(gateway.socketPath());
             IpcClient follower = IpcClient.connect(gateway.socketPath())) {
            TaskStream submitted = owner.submitStream(submit(taskId));
            Collector ownerSeen = new Collector();
            submitted.subscribe(ownerSeen);
            decideSeen(taskId);
            chunk(taskId, 1, "c1");
            chunk(taskId, 2, "c2");
            await().atMost(WAIT).until(() -> ownerSeen.chunks.size() == 2);

            TaskStream followed = follower.subscribe(taskId, 2);
            Collector followerSeen = new Collector();
            followed.subscribe(followerSeen);
            assertThat(followed.answer().get(WAIT.toSeconds(), TimeUnit.SECONDS).body().path("from_seq").asLong()).isEqualTo(2);
            chunk(taskId, 3, "c3");
            complete(taskId, 4, 3, 6);

            followerSeen.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ownerSeen.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(followerSeen.texts()).containsExactly("c2", "c3");
            assertThat(ownerSeen.texts()).containsExactly("c1", "c2", "c3");
            assertThat(followed.end().getNow(null).chunks()).isEqualTo(3);
        }
    }

    // ---- bin/ipc ----

    private LauncherProcess ipc(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--socket", gateway.socketPath().toString()));
        all.addAll(List.of(args));
        return LauncherProcess.start("ipc", dir, Map.of(), all.toArray(String[]::new));
    }

    @Test
    void binIpcSubmitStreamPrintsTheChunksAndTheStatusLine() throws Exception {
        String taskId = "cs-cli";
        try (LauncherProcess p = ipc("submit", "--type", "text.generate", "--payload", "{\"prompt\":\"Hello\"}",
                "--task-id", taskId, "--stream")) {
            JsonNode decide = decideSeen(taskId);
            chunk(taskId, 1, "Hello, ");
            chunk(taskId, 2, "world\n");
            complete(taskId, 3, 2, 13);

            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isZero();
            assertThat(p.stdout()).isEqualTo("Hello, world\n");
            List<String> err = p.stderr().lines().toList();
            assertThat(err.getFirst()).startsWith("OK task_id=" + taskId + " trace_id=");
            assertThat(err.getLast()).isEqualTo("stream status=complete chunks=2 bytes=13 task_id=" + taskId
                    + " trace_id=" + decide.path("trace_id").asText());
        }
    }

    @Test
    void ctrlCToBinIpcSubmitStreamCancelsTheTaskAndExits130() throws Exception {
        String taskId = "cs-sigint";
        try (LauncherProcess p = ipc("submit", "--type", "text.generate", "--payload", "{\"prompt\":\"Hello\"}",
                "--task-id", taskId, "--stream")) {
            decideSeen(taskId);
            chunk(taskId, 1, "partial\n");
            p.awaitStdout("partial\n", WAIT); // the stream runs: the handler for Ctrl-C is in place

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
            assertThat(kill.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();

            assertThat(router.cancelNoticeFor(taskId, WAIT).path("reason").asText()).as("a TASK_CANCEL, not the client gone")
                    .isEqualTo("client_cancel");
            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isEqualTo(130);
            assertThat(p.stdout()).isEqualTo("partial\n");
            assertThat(p.stderr().lines().toList().getLast())
                    .startsWith("stream status=cancelled chunks=1 bytes=8 task_id=" + taskId);
        }
    }
}
