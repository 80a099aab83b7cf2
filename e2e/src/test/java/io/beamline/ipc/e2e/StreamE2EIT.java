package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streamed task output end to end: the real Router (bin/ipc-router, with fault injection) streams, the real
 * gateway (bin/ipc-gateway) forwards, a raw client reads the frames. Every way a stream can end — complete,
 * cancelled, gap, timeout, error, overflow — and the resume of a stream by another connection.
 *
 * <p>Expectations come from docs/PROTOCOL.md ("Streaming", the error tables) and router/README.md (what the
 * Router streams: {@code chunk_bytes} bytes of {@code "chunk <seq>/<chunks>;"} repeated), not from the gateway's
 * code. Two deployments: "roomy" with the gateway's default stream settings (but room for a whole 10,000-chunk
 * stream waiting for a test JVM that pauses), and "tight" ({@code streams.idle_timeout_ms} 1500,
 * {@code streams.max_buffered_bytes} 4096) for the timeout and the overflow, started when first needed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamE2EIT {

    private static final String TENANT = "streams";
    /** Generous: a frame that does not come within this is missing, whatever the machine's load. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int IDLE_TIMEOUT_MS = 1500;
    private static final int MAX_BUFFERED_BYTES = 4096;

    /** One policy per stream shape: {chunks, chunk_bytes, interval_ms}, and its faults. */
    private record StreamPolicy(int chunks, int chunkBytes, int intervalMs, String faults) {
    }

    private static final Map<String, StreamPolicy> POLICIES = Map.of(
            "long", new StreamPolicy(10_000, 64, 0, null),
            // Cancelled long before its end (1000 chunks, 20 s).
            "slow", new StreamPolicy(1000, 32, 20, null),
            "resume", new StreamPolicy(40, 32, 20, null),
            // Runs 5 s unless the gateway's cancel notice stops it: the Router's end says which.
            "gap", new StreamPolicy(500, 16, 10, "{\"stream_skip_seq\": 5}"),
            "stall", new StreamPolicy(10, 16, 10, "{\"stream_stall_after\": 3}"),
            "error", new StreamPolicy(10, 16, 10, "{\"stream_error_after\": 2}"),
            // KiB chunks, paced so that the gateway has attached the client long before 4096 bytes are held
            // for it: the overflow comes from the client not reading, not from the start of the stream.
            "big", new StreamPolicy(5000, 1024, 20, null));

    private Path dir;
    private Deployment roomy;
    private Deployment tight;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path policies = Files.createDirectories(dir.resolve("policies").resolve(TENANT));
        for (var p : POLICIES.entrySet()) {
            StreamPolicy s = p.getValue();
            Files.writeString(policies.resolve(p.getKey() + ".json"), "{\"providers\": [{\"name\": \"p\", \"weight\": 100}], "
                    + "\"stream\": {\"chunks\": " + s.chunks + ", \"chunk_bytes\": " + s.chunkBytes
                    + ", \"interval_ms\": " + s.intervalMs + "}"
                    + (s.faults == null ? "" : ", \"faults\": " + s.faults) + "}");
        }
        Files.writeString(policies.resolve("plain.json"), "{\"providers\": [{\"name\": \"p\", \"weight\": 100}]}");
        // The whole 10,000-chunk stream (~1.3 MB of frames) may wait for the test's reader without an overflow:
        // these tests are about completeness and order, not about a slow reader.
        roomy = deploy("roomy", Map.of("BEAMLINE_STREAMS_MAX_BUFFERED_BYTES", Integer.toString(16 * 1024 * 1024)));
    }

    private Deployment deploy(String name, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(Deployment.BREAKER_ASIDE);
        all.putAll(env);
        return Deployment.start(Files.createDirectories(dir.resolve(name)),
                List.of("--enable-faults", "--policies", dir.resolve("policies").toString()), List.of(), all);
    }

    private Deployment tight() throws Exception {
        if (tight == null) {
            tight = deploy("tight", Map.of("BEAMLINE_STREAMS_IDLE_TIMEOUT_MS", Integer.toString(IDLE_TIMEOUT_MS),
                    "BEAMLINE_STREAMS_MAX_BUFFERED_BYTES", Integer.toString(MAX_BUFFERED_BYTES)));
        }
        return tight;
    }

    @AfterAll
    void stop() {
        try (Deployment r = roomy; Deployment t = tight) {
            // both closed, the gateways must exit 0
        }
    }

    // ---- wire helpers ----

    private static byte[] submitPayload(String taskId, String policy, boolean stream) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate").put("tenant_id", TENANT)
                .put("policy_id", policy).put("task_id", taskId).put("stream", stream);
        p.putObject("payload").put("prompt", "Hello, world");
        return Json.write(p);
    }

    private static Frame streamSubmitV2(int requestId, String taskId, String policy) {
        return Frame.v2(MessageType.TASK_SUBMIT, requestId, submitPayload(taskId, policy, true));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode payload(Frame f) {
        return Json.parseObject(f.payload());
    }

    /** What the Router streams as chunk {@code seq} of a policy (router/README.md, "Streaming"). */
    private static String routerChunk(String policy, long seq) {
        StreamPolicy p = POLICIES.get(policy);
        String unit = "chunk " + seq + "/" + p.chunks + ";";
        return unit.repeat(p.chunkBytes / unit.length() + 1).substring(0, p.chunkBytes);
    }

    /** The submit's answer: RESPONSE_OK with the Router's decision, under the submit's version and id. */
    private static JsonNode readDecision(RawIpcConnection c, int version, int requestId, String taskId) {
        Frame f = c.read(WAIT);
        assertThat(f.type()).as("the submit's answer: %s", f.payloadAsString()).isEqualTo(MessageType.RESPONSE_OK);
        assertThat(f.version()).isEqualTo(version);
        assertThat(f.requestId()).isEqualTo(requestId);
        JsonNode ok = payload(f);
        assertThat(ok.path("task_id").asText()).isEqualTo(taskId);
        assertThat(ok.path("decision").path("provider_id").asText()).isEqualTo("p");
        return ok;
    }

    /** Reads STREAM_DATA frames of the request until its terminal frame; every frame must carry its id. */
    private static List<Frame> readUntilEnd(RawIpcConnection c, int version, int requestId, List<Frame> data) {
        List<String> strangers = new ArrayList<>();
        Frame f;
        while ((f = c.read(WAIT)).type() == MessageType.STREAM_DATA) {
            data.add(f);
            if (f.version() != version || f.requestId() != requestId) {
                strangers.add(f.toString());
            }
        }
        assertThat(strangers).as("STREAM_DATA not under the submit's version and request id").isEmpty();
        assertThat(f.type()).as("terminal frame: %s", f.payloadAsString())
                .isIn(MessageType.STREAM_COMPLETE, MessageType.STREAM_ERROR);
        assertThat(f.version()).isEqualTo(version);
        assertThat(f.requestId()).isEqualTo(requestId);
        data.add(f);
        return data;
    }

    /**
     * The chunks are exactly seq {@code from..to}, each once, in order, each with the Router's bytes for its seq.
     * Checked in one pass and reported at once: 10,000 chunks are too many for one assertion each.
     */
    private static void assertChunks(List<Frame> data, String taskId, String policy, long from, long to) {
        List<Long> seqs = new ArrayList<>(data.size());
        List<String> wrong = new ArrayList<>();
        for (Frame f : data) {
            assertThat(f.type()).isEqualTo(MessageType.STREAM_DATA);
            JsonNode d = payload(f);
            long seq = d.path("seq").asLong();
            seqs.add(seq);
            if (!d.path("task_id").asText().equals(taskId) || !d.path("data").asText().equals(routerChunk(policy, seq))) {
                wrong.add(d.toString());
            }
        }
        assertThat(firstDifference(seqs, from, to)).as("seq %d..%d, each once, in order", from, to).isEmpty();
        assertThat(wrong).as("chunks whose task_id or data is not the Router's").isEmpty();
    }

    /** Where the seqs differ from {@code from..to}, said briefly (a list of 10,000 is no message), or empty. */
    private static Optional<String> firstDifference(List<Long> seqs, long from, long to) {
        long expected = to - from + 1;
        for (int i = 0; i < Math.min(seqs.size(), expected); i++) {
            if (seqs.get(i) != from + i) {
                return Optional.of("position " + i + " has seq " + seqs.get(i) + " instead of " + (from + i)
                        + " (seqs around it: " + seqs.subList(Math.max(0, i - 3), Math.min(seqs.size(), i + 4))
                        + "; " + seqs.size() + " chunks in all)");
            }
        }
        return seqs.size() == expected ? Optional.empty() : Optional.of(seqs.size() + " chunks instead of "
                + expected + (seqs.size() > expected ? ", the first extra one seq " + seqs.get((int) expected) : ""));
    }

    private static void assertStreamError(Frame end, String taskId, String status, long chunks, long bytes,
                                          int code, int httpStatus, String reason, boolean retryable) {
        assertThat(end.type()).as("STREAM_ERROR: %s", end.payloadAsString()).isEqualTo(MessageType.STREAM_ERROR);
        JsonNode e = payload(end);
        assertThat(e.path("ok").isBoolean() && !e.path("ok").asBoolean()).as("ok false").isTrue();
        assertThat(e.path("task_id").asText()).isEqualTo(taskId);
        assertThat(e.path("trace_id").asText()).matches("[0-9a-f]{32}");
        assertThat(e.path("status").asText()).isEqualTo(status);
        assertThat(e.path("chunks").asLong()).as("chunks").isEqualTo(chunks);
        assertThat(e.path("bytes").asLong()).as("bytes").isEqualTo(bytes);
        assertThat(e.path("error").path("code").asInt()).as("error.code").isEqualTo(code);
        assertThat(e.path("error").path("status").asInt()).as("error.status").isEqualTo(httpStatus);
        assertThat(e.path("error").path("reason").asText()).as("error.reason").isEqualTo(reason);
        assertThat(e.path("error").path("retryable").asBoolean()).as("error.retryable").isEqualTo(retryable);
        assertThat(e.path("error").path("message").asText()).as("error.message").isNotEmpty();
    }

    /** Nothing else is on its way for this connection: the next frame answers a PING sent now. */
    private static void assertNothingMore(RawIpcConnection c, Frame ping) {
        c.send(ping);
        Frame f = c.read(WAIT);
        assertThat(f).as("the frame after the stream's end: %s", f.payloadAsString())
                .isEqualTo(ping.answer(MessageType.PONG));
    }

    // ---- complete ----

    @Test
    void aTenThousandChunkStreamArrivesCompleteAndInOrderUnderTheSubmitsRequestIdOnV2() {
        try (RawIpcConnection c = RawIpcConnection.open(roomy.socket)) {
            c.send(streamSubmitV2(7, "long-v2", "long"));
            JsonNode ok = readDecision(c, Frame.V2, 7, "long-v2");
            List<Frame> frames = readUntilEnd(c, Frame.V2, 7, new ArrayList<>());
            Frame end = frames.removeLast();
            assertChunks(frames, "long-v2", "long", 1, 10_000);

            assertThat(end.type()).as(end.payloadAsString()).isEqualTo(MessageType.STREAM_COMPLETE);
            JsonNode e = payload(end);
            assertThat(e.path("ok").asBoolean()).isTrue();
            assertThat(e.path("task_id").asText()).isEqualTo("long-v2");
            assertThat(e.path("trace_id").asText()).isEqualTo(ok.path("trace_id").asText());
            assertThat(e.path("status").asText()).isEqualTo("complete");
            assertThat(e.path("chunks").asLong()).isEqualTo(10_000);
            assertThat(e.path("bytes").asLong()).isEqualTo(640_000);
            // The request id is free again after the terminal frame, and nothing follows it.
            assertNothingMore(c, Frame.v2(MessageType.PING, 7, new byte[0]));
        }
    }

    @Test
    void onV1APingSentAfterTheSubmitIsAnsweredAfterTheStreamsEnd() {
        try (RawIpcConnection c = RawIpcConnection.open(roomy.socket)) {
            c.send(Frame.of(MessageType.TASK_SUBMIT, submitPayload("long-v1", "long", true)));
            c.send(Frame.of(MessageType.PING));
            readDecision(c, Frame.V1, 0, "long-v1");
            List<Frame> frames = readUntilEnd(c, Frame.V1, 0, new ArrayList<>());
            Frame end = frames.removeLast();
            assertChunks(frames, "long-v1", "long", 1, 10_000);
            assertThat(end.type()).as(end.payloadAsString()).isEqualTo(MessageType.STREAM_COMPLETE);
            assertThat(payload(end).path("chunks").asLong()).isEqualTo(10_000);
            assertThat(payload(end).path("bytes").asLong()).isEqualTo(640_000);
            assertThat(c.read(WAIT)).as("the PING's answer, after the terminal frame")
                    .isEqualTo(Frame.of(MessageType.PONG));
        }
    }

    // ---- cancel ----

    @ParameterizedTest(name = "cancel by {0}")
    @ValueSource(strings = {"task_id", "request_id"})
    void aCancelMidStreamEndsItWithTheCountsSoFarAndTheRouterStops(String by) {
        String taskId = "cancel-by-" + by;
        int submitId = 11;
        int cancelId = 12;
        try (RouterTap tap = RouterTap.on(roomy); RawIpcConnection c = RawIpcConnection.open(roomy.socket)) {
            tap.watchStream(taskId);
            c.send(streamSubmitV2(submitId, taskId, "slow"));
            readDecision(c, Frame.V2, submitId, taskId);
            List<Frame> data = new ArrayList<>();
            while (data.size() < 5) {
                Frame f = c.read(WAIT);
                assertThat(f.type()).as(f.payloadAsString()).isEqualTo(MessageType.STREAM_DATA);
                data.add(f);
            }

            c.send(Frame.v2(MessageType.TASK_CANCEL, cancelId, utf8(by.equals("task_id")
                    ? "{\"task_id\":\"" + taskId + "\"}" : "{\"request_id\":" + submitId + "}")));
            // Chunks already on their way may still come before the end; the cancel's answer may come before
            // or after the end (v2: each as soon as it is ready).
            Frame cancelAnswer = null;
            Frame end = null;
            while (cancelAnswer == null || end == null) {
                Frame f = c.read(WAIT);
                if (f.requestId() == cancelId) {
                    assertThat(cancelAnswer).as("the cancel answered once").isNull();
                    cancelAnswer = f;
                } else {
                    assertThat(f.requestId()).as(f.toString()).isEqualTo(submitId);
                    assertThat(end).as("nothing after the terminal frame: %s", f).isNull();
                    if (f.type() == MessageType.STREAM_DATA) {
                        data.add(f);
                    } else {
                        end = f;
                    }
                }
            }

            assertThat(cancelAnswer.type()).as(cancelAnswer.payloadAsString()).isEqualTo(MessageType.RESPONSE_OK);
            JsonNode a = payload(cancelAnswer);
            assertThat(a.path("ok").asBoolean()).isTrue();
            assertThat(a.path("task_id").asText()).isEqualTo(taskId);
            assertThat(a.path("cancelled").asBoolean()).isTrue();
            assertThat(a.path("stream").asText()).isEqualTo("cancelled");
            assertThat(a.path("router_notified").asBoolean()).isTrue();

            System.out.printf("cancel by %s: %d chunks before the end%n", by, data.size());
            assertChunks(data, taskId, "slow", 1, data.size());
            assertStreamError(end, taskId, "cancelled", data.size(), data.size() * 32L, 10, 499, "cancelled", false);
            assertThat(data.size()).as("cancelled long before the stream's 1000 chunks").isLessThan(1000);

            // The Router heard the cancel and stopped: its stream ends "cancelled", then nothing more.
            assertThat(tap.awaitCancelNotice(taskId, WAIT).path("reason").asText()).isEqualTo("client_cancel");
            RouterTap.StreamMessage routerEnd = tap.awaitEnd(taskId, WAIT);
            assertThat(routerEnd.end()).isEqualTo("cancelled");
            assertThat(routerEnd.body().path("cancelled").asBoolean()).isTrue();
            assertThat(routerEnd.body().path("chunks").asLong()).isGreaterThanOrEqualTo(data.size()).isLessThan(1000);
            int published = tap.stream(taskId).size();
            await("the Router stays quiet after its end").during(Duration.ofMillis(500)).atMost(WAIT)
                    .until(() -> tap.stream(taskId).size() == published);
            assertThat(tap.stream(taskId).getLast()).isEqualTo(routerEnd);
            assertNothingMore(c, Frame.v2(MessageType.PING, submitId, new byte[0]));
        }
    }

    // ---- gap, error ----

    @Test
    void aSequenceNumberTheRouterLeftOutEndsTheStreamWithGapAndTheRouterIsStopped() {
        try (RouterTap tap = RouterTap.on(roomy); RawIpcConnection c = RawIpcConnection.open(roomy.socket)) {
            tap.watchStream("gap");
            c.send(streamSubmitV2(1, "gap", "gap"));
            readDecision(c, Frame.V2, 1, "gap");
            List<Frame> frames = readUntilEnd(c, Frame.V2, 1, new ArrayList<>());
            Frame end = frames.removeLast();
            assertChunks(frames, "gap", "gap", 1, 4);
            assertStreamError(end, "gap", "gap", 4, 4 * 16, 15, 502, "stream_gap", false);

            assertThat(tap.awaitCancelNotice("gap", WAIT).path("reason").asText()).isEqualTo("stream_gap");
            RouterTap.StreamMessage routerEnd = tap.awaitEnd("gap", WAIT);
            assertThat(routerEnd.end()).as("stopped by the gateway's notice, long before its 500 chunks")
                    .isEqualTo("cancelled");
            assertThat(tap.stream("gap")).extracting(RouterTap.StreamMessage::seq).doesNotContain(5L);
            assertNothingMore(c, Frame.v2(MessageType.PING, 1, new byte[0]));
        }
    }

    @Test
    void theRoutersErrorEndReachesTheClientThroughTheErrorTable() {
        try (RawIpcConnection c = RawIpcConnection.open(roomy.socket)) {
            c.send(streamSubmitV2(1, "error", "error"));
            readDecision(c, Frame.V2, 1, "error");
            List<Frame> frames = readUntilEnd(c, Frame.V2, 1, new ArrayList<>());
            Frame end = frames.removeLast();
            assertChunks(frames, "error", "error", 1, 2);
            // The Router's code "internal" → 14 router_error, 500, not retryable; the Router's error kept.
            assertStreamError(end, "error", "error", 2, 2 * 16, 14, 500, "internal", false);
            JsonNode router = payload(end).path("error").path("router");
            assertThat(router.path("code").asText()).isEqualTo("internal");
            assertThat(router.path("details").path("fault").asText()).isEqualTo("stream_error_after");
            assertThat(router.path("details").path("chunks_sent").asInt()).isEqualTo(2);
            assertThat(payload(end).path("error").path("message").asText()).contains("Stream failed");
            assertNothingMore(c, Frame.v2(MessageType.PING, 1, new byte[0]));
        }
    }

    // ---- timeout, overflow ----

    @Test
    void aStreamThatGoesSilentEndsWithTimeoutAfterTheIdleTimeout() throws Exception {
        Deployment d = tight();
        try (RouterTap tap = RouterTap.on(d); RawIpcConnection c = RawIpcConnection.open(d.socket)) {
            c.send(streamSubmitV2(1, "stall", "stall"));
            readDecision(c, Frame.V2, 1, "stall");
            List<Frame> data = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                data.add(c.read(WAIT));
            }
            long lastChunkRead = System.nanoTime();
            Frame end = c.read(WAIT);
            Duration silent = Duration.ofNanos(System.nanoTime() - lastChunkRead);
            assertChunks(data, "stall", "stall", 1, 3);
            assertStreamError(end, "stall", "timeout", 3, 3 * 16, 5, 504, "stream_idle_timeout", true);
            assertThat(end.requestId()).isEqualTo(1);
            assertThat(silent).as("not before the idle timeout of %d ms", IDLE_TIMEOUT_MS)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(IDLE_TIMEOUT_MS / 2));
            assertThat(tap.awaitCancelNotice("stall", WAIT).path("reason").asText()).isEqualTo("stream_timeout");
            assertNothingMore(c, Frame.v2(MessageType.PING, 1, new byte[0]));
        }
    }

    @Test
    void aClientThatDoesNotReadGetsPartOfItsStreamThenOverflowAndOthersAreServedMeanwhile() throws Exception {
        Deployment d = tight();
        try (RouterTap tap = RouterTap.on(d); RawIpcConnection c = RawIpcConnection.open(d.socket)) {
            tap.watchStream("big");
            c.send(streamSubmitV2(1, "big", "big"));
            // c reads nothing now: the gateway's frames fill the socket, then more than 4096 bytes wait for it.
            assertThat(tap.awaitCancelNotice("big", Duration.ofSeconds(60)).path("reason").asText())
                    .isEqualTo("stream_overflow");
            assertThat(tap.awaitEnd("big", WAIT).end()).as("the Router was stopped").isEqualTo("cancelled");

            try (RawIpcConnection other = RawIpcConnection.open(d.socket)) {
                other.send(Frame.of(MessageType.PING));
                assertThat(other.read(WAIT)).isEqualTo(Frame.of(MessageType.PONG));
                other.send(Frame.v2(MessageType.TASK_SUBMIT, 5, submitPayload("not-streamed", "plain", false)));
                readDecision(other, Frame.V2, 5, "not-streamed");
            }

            readDecision(c, Frame.V2, 1, "big");
            List<Frame> frames = readUntilEnd(c, Frame.V2, 1, new ArrayList<>());
            Frame end = frames.removeLast();
            int got = frames.size();
            assertChunks(frames, "big", "big", 1, got);
            assertThat(got).as("more chunks than 4096 bytes hold: the client was attached and got part of the "
                    + "stream before it stopped keeping up").isGreaterThan(MAX_BUFFERED_BYTES / 1024 + 1);
            JsonNode e = payload(end);
            long chunks = e.path("chunks").asLong();
            System.out.printf("overflow: the client got %d chunks of %d streamed%n", got, chunks);
            assertThat(chunks).as("counts what the Router streamed, more than reached the client")
                    .isGreaterThan(got).isLessThan(5000);
            assertStreamError(end, "big", "overflow", chunks, chunks * 1024, 8, 503, "stream_overflow", true);
            assertNothingMore(c, Frame.v2(MessageType.PING, 1, new byte[0]));
        }
    }

    // ---- resume ----

    @Test
    void anotherConnectionResumesFromASequenceNumberAndEveryChunkArrivesExactlyOnce() {
        String taskId = "resumed";
        int n = POLICIES.get("resume").chunks;
        int k = 5;
        try (RawIpcConnection a = RawIpcConnection.open(roomy.socket);
             RawIpcConnection b = RawIpcConnection.open(roomy.socket)) {
            a.send(streamSubmitV2(1, taskId, "resume"));
            JsonNode decision = readDecision(a, Frame.V2, 1, taskId);
            List<Frame> aSaw = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                aSaw.add(a.read(WAIT));
            }
            assertChunks(aSaw, taskId, "resume", 1, k);

            // b (same uid) takes over from k+1 while a, the owner, stays: a leaving would cancel the stream.
            b.send(Frame.v2(MessageType.STREAM_SUBSCRIBE, 3, utf8("{\"task_id\":\"" + taskId + "\",\"from_seq\":"
                    + (k + 1) + "}")));
            Frame subscribed = b.read(WAIT);
            assertThat(subscribed.type()).as(subscribed.payloadAsString()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(subscribed.requestId()).isEqualTo(3);
            assertThat(payload(subscribed).path("task_id").asText()).isEqualTo(taskId);
            assertThat(payload(subscribed).path("from_seq").asLong()).isEqualTo(k + 1);
            List<Frame> bSaw = readUntilEnd(b, Frame.V2, 3, new ArrayList<>());
            Frame bEnd = bSaw.removeLast();
            assertChunks(bSaw, taskId, "resume", k + 1, n);
            assertComplete(bEnd, taskId, n, n * 32L);
            List<Long> together = new ArrayList<>();
            for (Frame f : aSaw) {
                together.add(payload(f).path("seq").asLong());
            }
            for (Frame f : bSaw) {
                together.add(payload(f).path("seq").asLong());
            }
            assertThat(together).as("a's 1..k and b's k+1..n: every chunk once")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());

            // The owner got the rest too, and the same end.
            List<Frame> aRest = readUntilEnd(a, Frame.V2, 1, new ArrayList<>());
            Frame aEnd = aRest.removeLast();
            assertChunks(aRest, taskId, "resume", k + 1, n);
            assertComplete(aEnd, taskId, n, n * 32L);
            assertThat(payload(aEnd).path("trace_id").asText()).isEqualTo(decision.path("trace_id").asText());
        }

        // Both gone, the ended stream is still held (streams.replay_ttl_ms): a client that reconnects now
        // resumes from k+1 and gets the rest and the end at once, each chunk once.
        try (RawIpcConnection c = RawIpcConnection.open(roomy.socket)) {
            c.send(Frame.v2(MessageType.STREAM_SUBSCRIBE, 9, utf8("{\"task_id\":\"" + taskId + "\",\"from_seq\":"
                    + (k + 1) + "}")));
            Frame subscribed = c.read(WAIT);
            assertThat(subscribed.type()).as(subscribed.payloadAsString()).isEqualTo(MessageType.RESPONSE_OK);
            List<Frame> cSaw = readUntilEnd(c, Frame.V2, 9, new ArrayList<>());
            Frame cEnd = cSaw.removeLast();
            assertChunks(cSaw, taskId, "resume", k + 1, n);
            assertComplete(cEnd, taskId, n, n * 32L);
            assertNothingMore(c, Frame.v2(MessageType.PING, 9, new byte[0]));
        }
    }

    private static void assertComplete(Frame end, String taskId, long chunks, long bytes) {
        assertThat(end.type()).as(end.payloadAsString()).isEqualTo(MessageType.STREAM_COMPLETE);
        JsonNode e = payload(end);
        assertThat(e.path("ok").asBoolean()).isTrue();
        assertThat(e.path("task_id").asText()).isEqualTo(taskId);
        assertThat(e.path("status").asText()).isEqualTo("complete");
        assertThat(e.path("chunks").asLong()).isEqualTo(chunks);
        assertThat(e.path("bytes").asLong()).isEqualTo(bytes);
    }
}
