package io.beamline.ipc.router.service;

import static io.beamline.ipc.router.service.FaultPolicies.TENANT;
import static io.beamline.ipc.router.service.RouterFixture.body;
import static io.beamline.ipc.router.service.RouterFixture.assertSilent;
import static io.beamline.ipc.router.service.RouterFixture.end;
import static io.beamline.ipc.router.service.RouterFixture.json;
import static io.beamline.ipc.router.service.RouterFixture.read;
import static io.beamline.ipc.router.service.RouterFixture.readUntilEnd;
import static io.beamline.ipc.router.service.RouterFixture.seq;
import static io.beamline.ipc.router.service.RouterFixture.seqs;
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
        return f.subscribeStream(requestId);
    }

    private static Message cancel(String requestId) throws Exception {
        return f.client.request("beamline.router.v1.cancel",
                ("{\"request_id\":\"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8), RouterFixture.WAIT);
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
        assertThat(json(cancel("s-5")).get("cancelled").asBoolean()).isTrue();
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

    // stream_skip_seq: a gap in Beamline-Stream-Seq; the fixture's streams are 4 chunks of 100 bytes, then the end.

    @Test
    void streamSkipSeqHeaderLeavesOutThatSeqAndTheStreamGoesOnToItsNormalEnd() throws Exception {
        Subscription sub = subscribe("k-1");
        Message reply = f.decide(body("k-1", TENANT, "plain", true),
                new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "2"));
        assertThat(json(reply).get("ok").asBoolean()).isTrue();
        List<Message> stream = readUntilEnd(sub);
        assertThat(seqs(stream)).containsExactly(1, 3, 4, 5);
        assertThat(new String(stream.get(1).getData(), StandardCharsets.US_ASCII)).startsWith("chunk 3/4;");
        Message end = stream.get(3);
        assertThat(end(end)).isEqualTo(StreamPublisher.END_COMPLETE);
        JsonNode done = json(end);
        assertThat(done.get("ok").asBoolean()).isTrue();
        assertThat(done.get("chunks").asInt()).as("the end message as without the fault").isEqualTo(4);
        assertThat(done.get("bytes").asLong()).isEqualTo(400);
        assertSilent(sub);
    }

    @Test
    void streamSkipSeqByPolicy() throws Exception {
        Subscription sub = subscribe("k-2");
        f.decide(body("k-2", TENANT, "skips_stream", true), null);
        List<Message> stream = readUntilEnd(sub);
        assertThat(seqs(stream)).containsExactly(2, 3, 4, 5);
        assertThat(end(stream.get(3))).isEqualTo(StreamPublisher.END_COMPLETE);
    }

    @Test
    void aStreamFaultHeaderOverridesThePolicysOneFieldByField() throws Exception {
        Subscription skip = subscribe("k-3");
        f.decide(body("k-3", TENANT, "skips_stream", true), new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "3"));
        assertThat(seqs(readUntilEnd(skip))).containsExactly(1, 2, 4, 5);
        // Another field in the header: the policy's stream_skip_seq (1) still applies.
        Subscription both = subscribe("k-4");
        f.decide(body("k-4", TENANT, "skips_stream", true),
                new Headers().put(FaultHeaders.STREAM_ERROR_AFTER, "3"));
        List<Message> stream = readUntilEnd(both);
        assertThat(seqs(stream)).containsExactly(2, 3, 4);
        assertThat(end(stream.get(2))).isEqualTo(StreamPublisher.END_ERROR);
    }

    @Test
    void streamSkipSeqBeyondTheLastSeqSkipsNothing() throws Exception {
        Subscription sub = subscribe("k-5");
        f.decide(body("k-5", TENANT, "plain", true), new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "6"));
        List<Message> stream = readUntilEnd(sub);
        assertThat(seqs(stream)).containsExactly(1, 2, 3, 4, 5);
        assertThat(end(stream.get(4))).isEqualTo(StreamPublisher.END_COMPLETE);
    }

    @Test
    void streamSkipSeqOfTheEndMessageLeavesTheStreamWithoutAnEndButFinished() throws Exception {
        Subscription sub = subscribe("k-6");
        f.decide(body("k-6", TENANT, "plain", true), new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "5"));
        List<Message> chunks = read(sub, 4);
        assertThat(seqs(chunks)).containsExactly(1, 2, 3, 4);
        assertThat(chunks).allSatisfy(m -> assertThat(end(m)).isNull());
        assertSilent(sub);
        await().atMost(RouterFixture.WAIT).until(() -> f.router.runningStreams() == 0);
    }

    // stream_stall_after: after N chunks nothing more, no end message, and the stream is forgotten.

    @Test
    void streamStallAfterHeaderPublishesExactlyThatManyChunksThenNothingAndForgetsTheStream() throws Exception {
        Subscription sub = subscribe("t-1");
        // 100,000 chunks at 50 ms: without the stall it would still be running long after this test.
        Message reply = f.decide(body("t-1", TENANT, "endless_stream", true),
                new Headers().put(FaultHeaders.STREAM_STALL_AFTER, "2"));
        assertThat(json(reply).get("ok").asBoolean()).isTrue();
        List<Message> chunks = read(sub, 2);
        assertThat(seqs(chunks)).containsExactly(1, 2);
        assertThat(chunks).allSatisfy(m -> assertThat(end(m)).isNull());
        assertSilent(sub);
        await("the stalled stream no longer counts as running").atMost(RouterFixture.WAIT)
                .until(() -> f.router.runningStreams() == 0);
        JsonNode cancelled = json(cancel("t-1"));
        assertThat(cancelled.get("cancelled").asBoolean()).as("as for a finished stream").isFalse();
        assertThat(sub.nextMessage(Duration.ofMillis(300))).as("not even a cancelled end message").isNull();
        // The decision itself stands.
        Message decision = f.client.request("beamline.router.v1.get_decision",
                "{\"request_id\":\"t-1\"}".getBytes(StandardCharsets.UTF_8), RouterFixture.WAIT);
        assertThat(decision.getData()).isEqualTo(reply.getData());
    }

    @Test
    void streamStallAfterZeroByPolicyPublishesNothingAtAll() throws Exception {
        Subscription sub = subscribe("t-2");
        assertThat(json(f.decide(body("t-2", TENANT, "stalls_stream", true), null)).get("ok").asBoolean()).isTrue();
        assertSilent(sub);
        await().atMost(RouterFixture.WAIT).until(() -> f.router.runningStreams() == 0);
        assertThat(json(cancel("t-2")).get("cancelled").asBoolean()).isFalse();
    }

    @Test
    void streamStallAfterWinsOverAnErrorAtTheSamePointAndSkipSeqStillApplies() throws Exception {
        Subscription sub = subscribe("t-3");
        f.decide(body("t-3", TENANT, "plain", true), new Headers().put(FaultHeaders.STREAM_STALL_AFTER, "3")
                .put(FaultHeaders.STREAM_ERROR_AFTER, "3").put(FaultHeaders.STREAM_SKIP_SEQ, "2"));
        List<Message> chunks = read(sub, 2);
        assertThat(seqs(chunks)).containsExactly(1, 3);
        assertSilent(sub);
    }

    @Test
    void streamStallAfterAtOrBeyondTheChunkCount() throws Exception {
        Subscription atEnd = subscribe("t-4");
        f.decide(body("t-4", TENANT, "plain", true), new Headers().put(FaultHeaders.STREAM_STALL_AFTER, "4"));
        assertThat(seqs(read(atEnd, 4))).containsExactly(1, 2, 3, 4);
        assertSilent(atEnd);
        Subscription beyond = subscribe("t-5");
        f.decide(body("t-5", TENANT, "plain", true), new Headers().put(FaultHeaders.STREAM_STALL_AFTER, "5"));
        List<Message> stream = readUntilEnd(beyond);
        assertThat(seqs(stream)).containsExactly(1, 2, 3, 4, 5);
        assertThat(end(stream.get(4))).isEqualTo(StreamPublisher.END_COMPLETE);
    }
}
