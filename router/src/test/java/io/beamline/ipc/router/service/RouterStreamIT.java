package io.beamline.ipc.router.service;

import static io.beamline.ipc.router.service.FaultPolicies.TENANT;
import static io.beamline.ipc.router.service.RouterFixture.body;
import static io.beamline.ipc.router.service.RouterFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.router.fault.FaultHeaders;
import io.beamline.ipc.router.stream.StreamPublisher;
import io.beamline.ipc.router.stream.StreamSettings;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** task.stream: the output on beamline.router.v1.stream.<request_id>, against a real nats-server. */
class RouterStreamIT {

    @TempDir
    static Path dir;

    private static RouterFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = RouterFixture.start(FaultPolicies.write(dir), c -> c.withFaults(true, Duration.ZERO)
                .withStream(new StreamSettings(4, 100, 5)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private static Subscription subscribe(String requestId) throws Exception {
        Subscription sub = f.client.subscribe("beamline.router.v1.stream." + requestId);
        f.client.flush(RouterFixture.WAIT);
        return sub;
    }

    /** Every message of the stream, up to and including the end message. */
    private static List<Message> readUntilEnd(Subscription sub) throws Exception {
        List<Message> out = new ArrayList<>();
        await().atMost(RouterFixture.WAIT).until(() -> {
            Message m = sub.nextMessage(Duration.ofMillis(100));
            if (m != null) {
                out.add(m);
            }
            return !out.isEmpty() && out.get(out.size() - 1).getHeaders().getFirst(StreamPublisher.END) != null;
        });
        return out;
    }

    private static int seq(Message m) {
        return Integer.parseInt(m.getHeaders().getFirst(StreamPublisher.SEQ));
    }

    @Test
    void afterTheDecisionAllChunksArriveInOrderThenTheCompletion() throws Exception {
        Subscription sub = subscribe("s-1");
        Message reply = f.decide(body("s-1", TENANT, "plain", true), null);
        assertThat(json(reply).get("ok").asBoolean()).isTrue();
        List<Message> stream = readUntilEnd(sub);
        assertThat(stream).hasSize(5);
        for (int i = 0; i < 4; i++) {
            Message chunk = stream.get(i);
            assertThat(seq(chunk)).isEqualTo(i + 1);
            assertThat(chunk.getData()).hasSize(100);
            assertThat(new String(chunk.getData(), StandardCharsets.US_ASCII)).startsWith("chunk " + (i + 1) + "/4;");
            assertThat(chunk.getHeaders().getFirst(StreamPublisher.END)).isNull();
            assertThat(chunk.getHeaders().getFirst(StreamPublisher.REQUEST_ID)).isEqualTo("s-1");
        }
        Message end = stream.get(4);
        assertThat(seq(end)).isEqualTo(5);
        assertThat(end.getHeaders().getFirst(StreamPublisher.END)).isEqualTo(StreamPublisher.END_COMPLETE);
        JsonNode done = json(end);
        assertThat(done.get("ok").asBoolean()).isTrue();
        assertThat(done.get("chunks").asInt()).isEqualTo(4);
        assertThat(done.get("bytes").asLong()).isEqualTo(400);
    }

    @Test
    void aPolicyCanChangeTheChunkCountAndSize() throws Exception {
        Subscription sub = subscribe("s-2");
        f.decide(body("s-2", TENANT, "short_stream", true), null);
        List<Message> stream = readUntilEnd(sub);
        assertThat(stream).hasSize(3);
        assertThat(stream.get(0).getData()).hasSize(7);
        assertThat(stream.get(2).getHeaders().getFirst(StreamPublisher.END)).isEqualTo("complete");
    }

    @Test
    void streamErrorAfterHeaderEndsTheStreamWithAnErrorMessage() throws Exception {
        Subscription sub = subscribe("s-3");
        f.decide(body("s-3", TENANT, "plain", true), new Headers().put(FaultHeaders.STREAM_ERROR_AFTER, "2"));
        List<Message> stream = readUntilEnd(sub);
        assertThat(stream).hasSize(3);
        Message end = stream.get(2);
        assertThat(seq(end)).isEqualTo(3);
        assertThat(end.getHeaders().getFirst(StreamPublisher.END)).isEqualTo(StreamPublisher.END_ERROR);
        JsonNode error = json(end);
        assertThat(error.get("ok").asBoolean()).isFalse();
        assertThat(error.at("/error/code").asText()).isEqualTo("internal");
        assertThat(error.at("/error/details/chunks_sent").asInt()).isEqualTo(2);
        assertThat(error.at("/context/request_id").asText()).isEqualTo("s-3");
    }

    @Test
    void streamErrorAfterByPolicy() throws Exception {
        Subscription sub = subscribe("s-4");
        f.decide(body("s-4", TENANT, "breaks_stream", true), null);
        List<Message> stream = readUntilEnd(sub);
        assertThat(stream).hasSize(2);
        assertThat(stream.get(1).getHeaders().getFirst(StreamPublisher.END)).isEqualTo("error");
    }

    @Test
    void cancelEndsARunningStream() throws Exception {
        Subscription sub = subscribe("s-5");
        f.decide(body("s-5", TENANT, "endless_stream", true), null);
        assertThat(sub.nextMessage(RouterFixture.WAIT)).as("first chunk").isNotNull();
        Message cancel = f.client.request("beamline.router.v1.cancel",
                "{\"request_id\":\"s-5\"}".getBytes(StandardCharsets.UTF_8), RouterFixture.WAIT);
        assertThat(json(cancel).get("cancelled").asBoolean()).isTrue();
        List<Message> rest = readUntilEnd(sub);
        Message end = rest.get(rest.size() - 1);
        assertThat(end.getHeaders().getFirst(StreamPublisher.END)).isEqualTo(StreamPublisher.END_CANCELLED);
        assertThat(sub.nextMessage(Duration.ofMillis(300))).as("nothing after the end").isNull();
    }

    @Test
    void aRequestWithoutStreamTrueOrAnErrorReplyPublishesNoStream() throws Exception {
        Subscription plain = subscribe("s-6");
        f.decide(body("s-6", TENANT, "plain", false), null);
        Subscription failed = subscribe("s-7");
        f.decide(body("s-7", TENANT, "plain", true), new Headers().put(FaultHeaders.ERROR, "internal"));
        assertThat(plain.nextMessage(Duration.ofMillis(300))).isNull();
        assertThat(failed.nextMessage(Duration.ofMillis(300))).isNull();
    }

    @Test
    void aRequestIdThatCannotBeASubjectTokenIsDecidedWithoutStream() throws Exception {
        Subscription sub = f.client.subscribe("beamline.router.v1.stream.>");
        f.client.flush(RouterFixture.WAIT);
        Message reply = f.decide(body("has.dots", TENANT, "plain", true), null);
        assertThat(json(reply).get("ok").asBoolean()).isTrue();
        assertThat(sub.nextMessage(Duration.ofMillis(300))).isNull();
    }
}
