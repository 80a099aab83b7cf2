package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.RawIpcConnection;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed output through the real gateway: a private nats-server, a scripted Router answering decide, and
 * the test publishing the Router's stream messages itself, so that every way a stream can end is produced
 * exactly: complete, error, gap, timeout, cancel, overflow, the client gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Long enough that no other test's stream goes quiet this long even on a busy machine. */
    private static final int IDLE_TIMEOUT_MS = 4000;

    private NatsServerProcess nats;
    private Gateway gateway;
    private ScriptedRouter router;
    private Connection publisher;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        nats = NatsServerProcess.start();
        router = new ScriptedRouter(nats.url());
        publisher = Nats.connect(nats.url());
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "ipc.socket_path", dir.resolve("gw.sock").toString(), "admin.port", "0",
                "nats.url", nats.url(),
                "streams.idle_timeout_ms", Integer.toString(IDLE_TIMEOUT_MS),
                "streams.max_buffered_bytes", "4096",
                "breaker.minimum_calls", "1000", "breaker.window_size", "1000")));
        await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
    }

    @BeforeEach
    void reset() {
        router.decide = ScriptedRouter::decision;
        router.decideRequests.clear();
        router.cancelNotices.clear();
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        publisher.close();
        router.close();
        nats.close();
    }

    private static Frame submit(int version, int requestId, String taskId) {
        byte[] payload = ("{\"task_type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello, world\"},\"task_id\":\""
                + taskId + "\",\"stream\":true}").getBytes(StandardCharsets.UTF_8);
        return version == Frame.V2 ? Frame.v2(MessageType.TASK_SUBMIT, requestId, payload)
                : Frame.of(MessageType.TASK_SUBMIT, payload);
    }

    /** The decide request the Router got for the submit: by then the gateway is subscribed to the stream. */
    private JsonNode decideSeen() throws InterruptedException {
        Message m = router.decideRequests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(m).as("the Router got the decide request").isNotNull();
        return Json.parseObject(m.getData());
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

    private static JsonNode payload(Frame f) {
        return Json.parseObject(f.payload());
    }


    @Test
    void aCompleteStreamFollowsTheDecisionUnderItsRequestIdWithCountsAndUsage() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V2, 41, "s-complete"));
            JsonNode request = decideSeen();
            assertThat(request.path("task").path("stream").asBoolean()).as("the Router is asked to stream").isTrue();
            chunk("s-complete", 1, "Hel");
            chunk("s-complete", 2, "lo ");
            publish("s-complete", 3, new byte[] {(byte) 0xC3, (byte) 0x28}, null); // not UTF-8
            publish("s-complete", 4, "{\"ok\":true,\"request_id\":\"s-complete\",\"chunks\":3,\"bytes\":8,\"usage\":{\"tokens\":7}}"
                    .getBytes(StandardCharsets.UTF_8), "complete");

            Frame decision = c.read(WAIT);
            assertThat(decision.type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(decision.requestId()).isEqualTo(41);
            assertThat(payload(decision).path("decision").path("provider_id").asText()).isEqualTo("openai");
            List<Frame> data = List.of(c.read(WAIT), c.read(WAIT), c.read(WAIT));
            assertThat(data).allSatisfy(f -> {
                assertThat(f.type()).isEqualTo(MessageType.STREAM_DATA);
                assertThat(f.requestId()).isEqualTo(41);
            });
            assertThat(payload(data.get(0)).path("seq").asLong()).isEqualTo(1);
            assertThat(payload(data.get(0)).path("data").asText()).isEqualTo("Hel");
            assertThat(payload(data.get(1)).path("data").asText()).isEqualTo("lo ");
            assertThat(payload(data.get(2)).has("data")).isFalse();
            assertThat(Base64.getDecoder().decode(payload(data.get(2)).path("data_base64").asText()))
                    .containsExactly(0xC3, 0x28);
            Frame end = c.read(WAIT);
            assertThat(end.type()).isEqualTo(MessageType.STREAM_COMPLETE);
            assertThat(end.requestId()).isEqualTo(41);
            JsonNode e = payload(end);
            assertThat(e.path("ok").asBoolean()).isTrue();
            assertThat(e.path("task_id").asText()).isEqualTo("s-complete");
            assertThat(e.path("status").asText()).isEqualTo("complete");
            assertThat(e.path("chunks").asLong()).isEqualTo(3);
            assertThat(e.path("bytes").asLong()).isEqualTo(8);
            assertThat(e.path("usage").path("tokens").asInt()).isEqualTo(7);
            assertThat(e.path("trace_id").asText()).isEqualTo(request.path("trace_id").asText());

            c.send(Frame.v2(MessageType.PING, 41, new byte[0])); // the id is free again after the end
            assertThat(c.read(WAIT)).isEqualTo(Frame.v2(MessageType.PONG, 41, new byte[0]));
        }
    }

    @Test
    void onV1LaterAnswersWaitForTheTerminalFrame() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V1, 0, "s-v1"));
            c.send(Frame.of(MessageType.PING));
            decideSeen();
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            chunk("s-v1", 1, "a");
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.STREAM_DATA);
            publish("s-v1", 2, "{\"ok\":true,\"request_id\":\"s-v1\",\"chunks\":1,\"bytes\":1}"
                    .getBytes(StandardCharsets.UTF_8), "complete");
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.STREAM_COMPLETE);
            assertThat(c.read(WAIT).type()).as("the PING sent before the stream ended").isEqualTo(MessageType.PONG);
        }
    }

    @Test
    void aMissingSequenceNumberEndsTheStreamWithGapNeverSilently() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V2, 1, "s-gap"));
            decideSeen();
            chunk("s-gap", 1, "one");
            chunk("s-gap", 3, "three");
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(payload(c.read(WAIT)).path("data").asText()).isEqualTo("one");
            Frame end = c.read(WAIT);
            assertThat(end.type()).isEqualTo(MessageType.STREAM_ERROR);
            JsonNode e = payload(end);
            assertThat(e.path("ok").asBoolean()).isFalse();
            assertThat(e.path("status").asText()).isEqualTo("gap");
            assertThat(e.path("chunks").asLong()).isEqualTo(1);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(15);
            assertThat(e.path("error").path("reason").asText()).isEqualTo("stream_gap");
            assertThat(router.cancelNoticeFor("s-gap", WAIT).path("reason").asText()).isEqualTo("stream_gap");
        }
    }

    @Test
    void theRoutersErrorEndArrivesThroughTheErrorTable() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V2, 2, "s-error"));
            decideSeen();
            chunk("s-error", 1, "x");
            publish("s-error", 2, ("{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"Stream failed\","
                    + "\"details\":{\"context\":\"Injected fault\"}},\"context\":{\"request_id\":\"s-error\"}}")
                    .getBytes(StandardCharsets.UTF_8), "error");
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.STREAM_DATA);
            JsonNode e = payload(c.read(WAIT));
            assertThat(e.path("status").asText()).isEqualTo("error");
            assertThat(e.path("chunks").asLong()).isEqualTo(1);
            assertThat(e.path("error").path("code").asInt()).isEqualTo(14);
            assertThat(e.path("error").path("status").asInt()).isEqualTo(500);
            assertThat(e.path("error").path("router").path("code").asText()).isEqualTo("internal");
        }
    }

    @Test
    void aSilentStreamEndsWithTimeoutAndTheRouterIsTold() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V2, 3, "s-idle"));
            decideSeen();
            chunk("s-idle", 1, "only");
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.STREAM_DATA);
            long start = System.nanoTime();
            JsonNode e = payload(c.read(WAIT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the idle timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(IDLE_TIMEOUT_MS / 2));
            assertThat(e.path("status").asText()).isEqualTo("timeout");
            assertThat(e.path("chunks").asLong()).isEqualTo(1);
            assertThat(e.path("error").path("reason").asText()).isEqualTo("stream_idle_timeout");
            assertThat(router.cancelNoticeFor("s-idle", WAIT).path("reason").asText()).isEqualTo("stream_timeout");
        }
    }

    @Test
    void taskCancelStopsARunningStreamWithTheCountsSoFarAndTellsTheRouter() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V2, 4, "s-cancel"));
            decideSeen();
            chunk("s-cancel", 1, "a");
            chunk("s-cancel", 2, "b");
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            c.read(WAIT);
            c.read(WAIT);
            c.send(Frame.v2(MessageType.TASK_CANCEL, 5, "{\"task_id\":\"s-cancel\"}".getBytes(StandardCharsets.UTF_8)));
            List<Frame> two = List.of(c.read(WAIT), c.read(WAIT));
            Frame cancelAnswer = two.stream().filter(f -> f.requestId() == 5).findFirst().orElseThrow();
            Frame end = two.stream().filter(f -> f.requestId() == 4).findFirst().orElseThrow();
            assertThat(payload(cancelAnswer).path("cancelled").asBoolean()).isTrue();
            assertThat(payload(cancelAnswer).path("stream").asText()).isEqualTo("cancelled");
            assertThat(end.type()).isEqualTo(MessageType.STREAM_ERROR);
            assertThat(payload(end).path("status").asText()).isEqualTo("cancelled");
            assertThat(payload(end).path("chunks").asLong()).isEqualTo(2);
            assertThat(payload(end).path("error").path("code").asInt()).isEqualTo(10);
            assertThat(router.cancelNoticeFor("s-cancel", WAIT).path("reason").asText()).isEqualTo("client_cancel");
            chunk("s-cancel", 3, "late"); // the Router had not stopped yet: nothing more reaches the client
            c.send(Frame.v2(MessageType.PING, 6, new byte[0]));
            assertThat(c.read(WAIT)).isEqualTo(Frame.v2(MessageType.PONG, 6, new byte[0]));
        }
    }

    @Test
    void aClientThatDoesNotReadEndsItsStreamWithOverflowAndOthersAreServed() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(submit(Frame.V2, 7, "s-slow"));
            decideSeen();
            String kib = "x".repeat(1024);
            // Far more than the socket's buffers and streams.max_buffered_bytes (4096) hold while nobody reads.
            for (int seq = 1; seq <= 4000; seq++) {
                chunk("s-slow", seq, kib);
            }
            assertThat(router.cancelNoticeFor("s-slow", WAIT).path("reason").asText()).isEqualTo("stream_overflow");
            try (RawIpcConnection other = RawIpcConnection.open(gateway.socketPath())) {
                other.send(Frame.of(MessageType.PING));
                assertThat(other.read(WAIT).type()).isEqualTo(MessageType.PONG);
            }
            List<Frame> got = new ArrayList<>();
            Frame f;
            do {
                f = c.read(WAIT);
                got.add(f);
            } while (f.type() != MessageType.STREAM_ERROR && f.type() != MessageType.STREAM_COMPLETE);
            JsonNode e = payload(f);
            assertThat(e.path("status").asText()).isEqualTo("overflow");
            assertThat(e.path("error").path("reason").asText()).isEqualTo("stream_overflow");
            long data = got.stream().filter(x -> x.type() == MessageType.STREAM_DATA).count();
            assertThat(data).as("the client got part of the stream, then its stated end").isLessThan(4000);
        }
    }

    @Test
    void theSubmittingClientGoneCancelsTheStreamAndTellsTheRouter() throws Exception {
        RawIpcConnection c = RawIpcConnection.open(gateway.socketPath());
        c.send(submit(Frame.V2, 8, "s-gone"));
        decideSeen();
        chunk("s-gone", 1, "a");
        assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
        assertThat(c.read(WAIT).type()).isEqualTo(MessageType.STREAM_DATA);
        c.close();
        assertThat(router.cancelNoticeFor("s-gone", WAIT).path("reason").asText()).isEqualTo("client_gone");
        await().atMost(WAIT).until(() -> gateway.openConnections() == 0);
    }

    @Test
    void anotherConnectionOfTheSameUserResumesFromASequenceNumberAndGetsEveryChunkOnce() throws Exception {
        try (RawIpcConnection a = RawIpcConnection.open(gateway.socketPath());
             RawIpcConnection b = RawIpcConnection.open(gateway.socketPath())) {
            a.send(submit(Frame.V2, 9, "s-resume"));
            decideSeen();
            chunk("s-resume", 1, "c1");
            chunk("s-resume", 2, "c2");
            assertThat(a.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(payload(a.read(WAIT)).path("seq").asLong()).isEqualTo(1);
            // b has seen chunk 1 (say, before an editor restart): it asks from 2.
            b.send(Frame.v2(MessageType.STREAM_SUBSCRIBE, 1,
                    "{\"task_id\":\"s-resume\",\"from_seq\":2}".getBytes(StandardCharsets.UTF_8)));
            Frame ok = b.read(WAIT);
            assertThat(ok.type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(payload(ok).path("from_seq").asLong()).isEqualTo(2);
            chunk("s-resume", 3, "c3");
            publish("s-resume", 4, "{\"ok\":true,\"request_id\":\"s-resume\",\"chunks\":3,\"bytes\":6}"
                    .getBytes(StandardCharsets.UTF_8), "complete");
            List<String> seen = new ArrayList<>();
            Frame f;
            while ((f = b.read(WAIT)).type() == MessageType.STREAM_DATA) {
                seen.add(payload(f).path("data").asText());
            }
            assertThat(seen).containsExactly("c2", "c3");
            assertThat(f.type()).isEqualTo(MessageType.STREAM_COMPLETE);
            assertThat(payload(f).path("chunks").asLong()).isEqualTo(3);

            // After the end it is still held (streams.replay_ttl_ms): a late reader gets it whole, once.
            b.send(Frame.v2(MessageType.STREAM_SUBSCRIBE, 2, "{\"task_id\":\"s-resume\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(b.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            seen.clear();
            while ((f = b.read(WAIT)).type() == MessageType.STREAM_DATA) {
                seen.add(payload(f).path("data").asText());
            }
            assertThat(seen).containsExactly("c1", "c2", "c3");
            assertThat(f.type()).isEqualTo(MessageType.STREAM_COMPLETE);
        }
    }

    @Test
    void subscribingToAnUnknownStreamIsNotFound() throws Exception {
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            c.send(Frame.of(MessageType.STREAM_SUBSCRIBE, "{\"task_id\":\"nobody\"}".getBytes(StandardCharsets.UTF_8)));
            Frame f = c.read(WAIT);
            assertThat(f.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            assertThat(payload(f).path("error").path("code").asInt()).isEqualTo(11);
            assertThat(payload(f).path("error").path("reason").asText()).isEqualTo("stream_not_found");
        }
    }

    @Test
    void onV2ACancelMayNameTheRequestInsteadOfTheTask() throws Exception {
        router.decide = m -> null; // the Router holds the submit: it is still pending when the cancel comes
        try (RawIpcConnection c = RawIpcConnection.open(gateway.socketPath())) {
            // No task_id given: the gateway names the task, and still finds it by the request id.
            c.send(Frame.v2(MessageType.TASK_SUBMIT, 21,
                    "{\"task_type\":\"t\",\"payload\":{\"prompt\":\"Hello, world\"}}".getBytes(StandardCharsets.UTF_8)));
            String taskId = decideSeen().path("request_id").asText();
            c.send(Frame.v2(MessageType.TASK_CANCEL, 22, "{\"request_id\":21}".getBytes(StandardCharsets.UTF_8)));
            List<Frame> two = List.of(c.read(WAIT), c.read(WAIT));
            Frame cancelAnswer = two.stream().filter(f -> f.requestId() == 22).findFirst().orElseThrow();
            Frame submitAnswer = two.stream().filter(f -> f.requestId() == 21).findFirst().orElseThrow();
            assertThat(cancelAnswer.type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(payload(cancelAnswer).path("task_id").asText()).isEqualTo(taskId);
            assertThat(payload(cancelAnswer).path("cancelled").asBoolean()).isTrue();
            assertThat(submitAnswer.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            assertThat(payload(submitAnswer).path("error").path("code").asInt()).isEqualTo(10);
            assertThat(router.cancelNoticeFor(taskId, WAIT).path("reason").asText()).isEqualTo("client_cancel");

            c.send(Frame.v2(MessageType.TASK_CANCEL, 23, "{\"request_id\":21}".getBytes(StandardCharsets.UTF_8)));
            Frame unknown = c.read(WAIT);
            assertThat(unknown.requestId()).isEqualTo(23);
            assertThat(payload(unknown).path("error").path("code").asInt()).as("21 is answered: no longer in flight")
                    .isEqualTo(11);
            c.send(Frame.of(MessageType.TASK_CANCEL, "{\"request_id\":21}".getBytes(StandardCharsets.UTF_8)));
            assertThat(payload(c.read(WAIT)).path("error").path("code").asInt()).as("v1 has no request ids")
                    .isEqualTo(4);
        }
    }
}
