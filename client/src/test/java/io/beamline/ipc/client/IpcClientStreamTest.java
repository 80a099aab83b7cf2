package io.beamline.ipc.client;

import static io.beamline.ipc.client.Futures.failureOf;
import static io.beamline.ipc.client.Futures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams through the Java client against the fake gateway: chunks in order with demand respected, the
 * bound on what is held, typed ends, TASK_CANCEL from each way of cancelling, and v1's in-order answers.
 */
class IpcClientStreamTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private FakeGateway gateway;
    private IpcClient client;
    private FakeGateway.Connection conn;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /**
     * A gateway offering {@code versions}: it answers the handshake and v2 PINGs (which need no order), the
     * test answers everything else.
     */
    private void start(IpcClientOptions options, Integer... versions) throws Exception {
        FakeGateway.Script echo = FakeGateway.echoOffering(versions);
        gateway = FakeGateway.start(dir.resolve("gw.sock"), (request, c) -> {
            if (request.type() == MessageType.CAPABILITIES
                    || request.type() == MessageType.PING && request.version() == Frame.V2) {
                echo.onRequest(request, c);
            }
        });
        client = IpcClient.connect(gateway.socketPath(), options);
        conn = gateway.awaitConnection();
        assertThat(gateway.received().take().type()).isEqualTo(MessageType.CAPABILITIES);
    }

    private void startV2() throws Exception {
        start(IpcClientOptions.defaults(), 1, 2);
        assertThat(client.protocolVersion()).isEqualTo(Frame.V2);
    }

    private void startV1() throws Exception {
        start(IpcClientOptions.defaults(), 1);
        assertThat(client.protocolVersion()).isEqualTo(Frame.V1);
    }

    private Frame nextRequest() throws InterruptedException {
        Frame f = gateway.received().poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(f).as("a request reached the gateway").isNotNull();
        return f;
    }

    private static ObjectNode json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode payloadOf(Frame f) {
        return Json.parseObject(f.payload());
    }

    private static final ObjectNode SUBMIT = json("{\"task_type\":\"text.generate\",\"payload\":{\"prompt\":\"hi\"}}");

    // ---- the gateway's frames, answering a request ----

    private static Frame frame(Frame request, MessageType type, String json) {
        return new Frame(request.version(), type.code(), request.requestId(), json.getBytes(StandardCharsets.UTF_8));
    }

    private static Frame decision(Frame request, String taskId) {
        return frame(request, MessageType.RESPONSE_OK, "{\"ok\":true,\"task_id\":\"" + taskId
                + "\",\"trace_id\":\"tr\",\"decision\":{\"provider_id\":\"openai\"}}");
    }

    private static Frame data(Frame request, String taskId, long seq, String text) {
        return frame(request, MessageType.STREAM_DATA, "{\"task_id\":\"" + taskId + "\",\"seq\":" + seq
                + ",\"data\":\"" + text + "\"}");
    }

    private static Frame complete(Frame request, String taskId, long chunks, long bytes) {
        return frame(request, MessageType.STREAM_COMPLETE, "{\"ok\":true,\"task_id\":\"" + taskId
                + "\",\"trace_id\":\"tr\",\"status\":\"complete\",\"chunks\":" + chunks + ",\"bytes\":" + bytes
                + ",\"usage\":{\"tokens\":7}}");
    }

    private static Frame streamError(Frame request, String taskId, String status, long chunks, long bytes,
                                     int code, String reason, int httpStatus) {
        return frame(request, MessageType.STREAM_ERROR, "{\"ok\":false,\"task_id\":\"" + taskId
                + "\",\"trace_id\":\"tr\",\"status\":\"" + status + "\",\"chunks\":" + chunks + ",\"bytes\":" + bytes
                + ",\"error\":{\"code\":" + code + ",\"status\":" + httpStatus + ",\"reason\":\"" + reason
                + "\",\"message\":\"it ended\",\"retryable\":false}}");
    }

    // ---- chunks, demand, ends ----

    @Test
    void chunksArriveInOrderOffTheReaderThreadAndCompleteWithTheTypedEnd() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();
        assertThat(submit.type()).isEqualTo(MessageType.TASK_SUBMIT);
        assertThat(payloadOf(submit).path("stream").asBoolean()).isTrue();
        assertThat(payloadOf(submit).has("task_id")).as("on v2 the gateway names the task").isFalse();
        assertThat(SUBMIT.has("stream")).as("the caller's payload is left alone").isFalse();

        String binary = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x28});
        conn.send(decision(submit, "s-1"), data(submit, "s-1", 1, "Hel"), data(submit, "s-1", 2, "lo "),
                frame(submit, MessageType.STREAM_DATA, "{\"task_id\":\"s-1\",\"seq\":3,\"data_base64\":\"" + binary + "\"}"));
        conn.send(complete(submit, "s-1", 3, 8));

        assertThat(valueOf(stream.answer()).decision().orElseThrow().path("provider_id").asText()).isEqualTo("openai");
        assertThat(stream.taskId()).contains("s-1");
        await().until(sub::terminated);
        assertThat(sub.completed).isTrue();
        assertThat(sub.error.get()).isNull();
        assertThat(sub.chunks).extracting(StreamChunk::seq).containsExactly(1L, 2L, 3L);
        assertThat(sub.texts()).containsExactly("Hel", "lo ", "<bytes>");
        assertThat(sub.chunks.get(2).data()).containsExactly(0xC3, 0x28);
        assertThat(sub.chunks.get(0).data()).isEqualTo("Hel".getBytes(StandardCharsets.UTF_8));
        assertThat(sub.threads).allSatisfy(t -> assertThat(t).startsWith(IpcClient.STREAM_THREAD_NAME));
        assertThat(sub.overlapping.get()).isZero();
        assertThat(sub.afterTerminal.get()).isZero();

        StreamEnd end = stream.end().getNow(null);
        assertThat(end).as("end() completed before onComplete").isNotNull();
        assertThat(end.ok()).isTrue();
        assertThat(end.status()).isEqualTo(StreamStatus.COMPLETE);
        assertThat(end.chunks()).isEqualTo(3);
        assertThat(end.bytes()).isEqualTo(8);
        assertThat(end.usage().orElseThrow().path("tokens").asInt()).isEqualTo(7);
        assertThat(end.taskId()).contains("s-1");
        assertThat(end.traceId()).contains("tr");
        assertThat(end.error()).isEmpty();
        assertThat(client.toString()).as("the id is free after the terminal frame").endsWith("open, 0 pending]");
        assertThat(stream.cancel()).as("nothing to cancel after the end").isFalse();
        assertThat(valueOf(client.ping())).isPositive();
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.PING);
    }

    @Test
    void theSubscriberGetsNoMoreThanItRequestedAndTheEndWaitsForTheChunksBeforeIt() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = new StreamSubscriber(1);
        stream.subscribe(sub);
        Frame submit = nextRequest();

        conn.send(decision(submit, "s-2"), data(submit, "s-2", 1, "a"), data(submit, "s-2", 2, "b"),
                data(submit, "s-2", 3, "c"), complete(submit, "s-2", 3, 3));

        assertThat(valueOf(stream.end()).chunks()).as("end() does not wait for the subscriber").isEqualTo(3);
        await().during(QUIET).atMost(QUIET.multipliedBy(10)).until(() -> sub.texts().equals(List.of("a")));
        assertThat(sub.terminated()).isFalse();
        sub.request(1);
        await().during(QUIET).atMost(QUIET.multipliedBy(10)).until(() -> sub.texts().equals(List.of("a", "b")));
        assertThat(sub.terminated()).as("a chunk is still held: no terminal signal yet").isFalse();
        sub.request(5);
        await().until(sub::terminated);
        assertThat(sub.texts()).containsExactly("a", "b", "c");
        assertThat(sub.completed).isTrue();
        assertThat(sub.overlapping.get()).isZero();
    }

    @Test
    void aSubscriberThatDoesNotRequestHitsTheBoundAndTheStreamIsCancelledByRequestId() throws Exception {
        start(IpcClientOptions.defaults().withStreamBufferBytes(300), 1, 2);
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = new StreamSubscriber(1);
        stream.subscribe(sub);
        Frame submit = nextRequest();
        String x50 = "x".repeat(50); // each STREAM_DATA payload is 85 bytes: a 4th held one passes 300
        conn.send(decision(submit, "s-3"), data(submit, "s-3", 1, x50));
        await().until(() -> sub.chunks.size() == 1); // the one chunk requested
        conn.send(data(submit, "s-3", 2, x50), data(submit, "s-3", 3, x50), data(submit, "s-3", 4, x50));
        await().during(QUIET).atMost(QUIET.multipliedBy(10)).until(() -> !sub.terminated());
        assertThat(sub.chunks).hasSize(1);
        assertThat(data(submit, "s-3", 2, x50).payload()).hasSize(85);
        assertThat(gateway.received()).isEmpty();

        conn.send(data(submit, "s-3", 5, x50));

        await().until(sub::terminated);
        assertThat(sub.error.get()).isInstanceOf(StreamBufferOverflowException.class)
                .hasMessageContaining("s-3").hasMessageContaining("300 bytes");
        assertThat(((StreamBufferOverflowException) sub.error.get()).delivered()).isEqualTo(1);
        assertThat(failureOf(stream.end())).isSameAs(sub.error.get());
        Frame cancel = nextRequest();
        assertThat(cancel.type()).isEqualTo(MessageType.TASK_CANCEL);
        assertThat(payloadOf(cancel).path("request_id").asLong()).isEqualTo(Integer.toUnsignedLong(submit.requestId()));
        assertThat(sub.chunks).hasSize(1);

        // The gateway ends the stream: the rest is read and dropped, and the connection serves on.
        conn.send(data(submit, "s-3", 6, x50), streamError(submit, "s-3", "cancelled", 6, 300, 10, "cancelled", 499),
                frame(cancel, MessageType.RESPONSE_OK, "{\"ok\":true,\"cancelled\":true}"));
        assertThat(valueOf(client.ping())).isPositive();
        assertThat(client.toString()).endsWith("open, 0 pending]");
        assertThat(sub.chunks).hasSize(1);
        assertThat(sub.afterTerminal.get()).isZero();
    }

    @Test
    void chunksAreHeldForALateSubscriberWithinTheBound() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        Frame submit = nextRequest();
        conn.send(decision(submit, "s-4"), data(submit, "s-4", 1, "early"), complete(submit, "s-4", 1, 5));
        valueOf(stream.end());

        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        StreamSubscriber second = StreamSubscriber.unbounded();
        stream.subscribe(second);

        await().until(sub::terminated);
        assertThat(sub.texts()).containsExactly("early");
        assertThat(sub.completed).isTrue();
        assertThat(second.error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a subscriber");
        assertThat(second.chunks).isEmpty();
    }

    @Test
    void streamErrorIsATypedExceptionAfterTheChunksBeforeIt() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();

        conn.send(decision(submit, "s-gap"), data(submit, "s-gap", 1, "one"),
                streamError(submit, "s-gap", "gap", 1, 3, 15, "stream_gap", 502));

        await().until(sub::terminated);
        assertThat(sub.texts()).containsExactly("one");
        IpcStreamException e = (IpcStreamException) sub.error.get();
        assertThat(e.status()).isEqualTo(StreamStatus.GAP);
        assertThat(e.chunks()).isEqualTo(1);
        assertThat(e.bytes()).isEqualTo(3);
        assertThat(e.code()).isEqualTo(15);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_GATEWAY);
        assertThat(e.reason()).isEqualTo("stream_gap");
        assertThat(e.error().status()).isEqualTo(502);
        assertThat(e.retryable()).isFalse();
        assertThat(e.taskId()).contains("s-gap");
        assertThat(e.traceId()).contains("tr");
        assertThat(e.end().ok()).isFalse();
        assertThat(e).hasMessage("stream gap after 1 chunks (3 bytes): error 15 stream_gap (502): it ended");
        assertThat(failureOf(stream.end())).isSameAs(e);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void anErrorAnswerMeansNoStream() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();

        conn.send(FakeGateway.error(ErrorCode.OVERLOADED, "stream_limit").answering(submit));

        Throwable answer = failureOf(stream.answer());
        assertThat(answer).isInstanceOf(IpcErrorException.class);
        assertThat(((IpcErrorException) answer).errorCode()).isEqualTo(ErrorCode.OVERLOADED);
        await().until(sub::terminated);
        assertThat(sub.error.get()).isSameAs(answer);
        assertThat(failureOf(stream.end())).isSameAs(answer);
        assertThat(client.toString()).endsWith("open, 0 pending]");
    }

    // ---- cancelling ----

    @Test
    void cancellingTheSubscriptionSendsOneTaskCancelByRequestIdAndEndTellsHowTheGatewayEndedIt() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();
        conn.send(decision(submit, "s-c"), data(submit, "s-c", 1, "a"));
        await().until(() -> sub.chunks.size() == 1);

        sub.cancel();
        sub.cancel();
        assertThat(stream.cancel()).as("sent once only").isFalse();

        Frame cancel = nextRequest();
        assertThat(cancel.type()).isEqualTo(MessageType.TASK_CANCEL);
        assertThat(cancel.requestId()).isNotEqualTo(submit.requestId());
        assertThat(payloadOf(cancel)).isEqualTo(json("{\"request_id\":" + Integer.toUnsignedLong(submit.requestId()) + "}"));
        conn.send(data(submit, "s-c", 2, "late"), streamError(submit, "s-c", "cancelled", 2, 5, 10, "cancelled", 499),
                frame(cancel, MessageType.RESPONSE_OK, "{\"ok\":true,\"cancelled\":true}"));

        IpcStreamException end = (IpcStreamException) failureOf(stream.end());
        assertThat(end.status()).isEqualTo(StreamStatus.CANCELLED);
        assertThat(end.chunks()).isEqualTo(2);
        await().until(() -> client.toString().endsWith("open, 0 pending]"));
        assertThat(sub.texts()).as("nothing after the cancel").containsExactly("a");
        assertThat(sub.terminated()).as("§1.8: no terminal signal after cancel").isFalse();
        assertThat(gateway.received()).isEmpty();
    }

    @Test
    void cancellingTheAnswerFutureBeforeTheAnswerSendsTaskCancel() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();

        assertThat(stream.answer().cancel(true)).isTrue();

        Frame cancel = nextRequest();
        assertThat(cancel.type()).isEqualTo(MessageType.TASK_CANCEL);
        assertThat(payloadOf(cancel).path("request_id").asLong()).isEqualTo(Integer.toUnsignedLong(submit.requestId()));
        conn.send(FakeGateway.error(ErrorCode.CANCELLED, "cancelled by the client").answering(submit));
        await().until(sub::terminated);
        assertThat(sub.error.get()).isInstanceOf(IpcErrorException.class);
        assertThat(((IpcErrorException) sub.error.get()).errorCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(failureOf(stream.end())).isSameAs(sub.error.get());
    }

    @Test
    void noAnswerInTimeEndsTheStreamAndCancelsIt() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT, Duration.ofMillis(100));
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();

        assertThat(failureOf(stream.answer())).isInstanceOf(TimeoutException.class);
        await().until(sub::terminated);
        assertThat(sub.error.get()).isInstanceOf(TimeoutException.class);
        Frame cancel = nextRequest();
        assertThat(payloadOf(cancel).path("request_id").asLong()).isEqualTo(Integer.toUnsignedLong(submit.requestId()));

        // its late answer and stream are read and dropped: the request keeps its id until its end
        conn.send(decision(submit, "s-t"), data(submit, "s-t", 1, "a"), streamError(submit, "s-t", "cancelled", 1, 1, 10, "cancelled", 499));
        assertThat(valueOf(client.ping())).isPositive();
        assertThat(sub.chunks).isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void theConnectionEndingFailsTheStream() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();
        conn.send(decision(submit, "s-x"), data(submit, "s-x", 1, "a"));
        await().until(() -> sub.chunks.size() == 1);

        conn.close();

        await().until(sub::terminated);
        assertThat(sub.error.get()).isInstanceOf(IpcConnectionException.class);
        assertThat(failureOf(stream.end())).isInstanceOf(IpcConnectionException.class);
        assertThat(stream.cancel()).isFalse();
    }

    @Test
    void aStreamFrameBeforeTheAnswerEndsTheConnection() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        Frame submit = nextRequest();

        conn.send(data(submit, "s-p", 1, "a"));

        assertThat(failureOf(stream.answer())).isInstanceOf(IpcConnectionException.class)
                .hasMessageContaining("before the answer").hasCauseInstanceOf(IpcProtocolException.class);
    }

    @Test
    void anUnreadableChunkFailsTheStreamAndCancelsItButNotTheConnection() throws Exception {
        startV2();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame submit = nextRequest();

        conn.send(decision(submit, "s-u"), frame(submit, MessageType.STREAM_DATA, "{\"seq\":1}"));

        await().until(sub::terminated);
        assertThat(sub.error.get()).isInstanceOf(IpcProtocolException.class).hasMessageContaining("data");
        assertThat(nextRequest().type()).isEqualTo(MessageType.TASK_CANCEL);
        assertThat(client.isOpen()).isTrue();
    }

    // ---- subscribe ----

    @Test
    void subscribeAsksFromASeqAndItsCancelNamesTheTask() throws Exception {
        startV2();
        TaskStream stream = client.subscribe("s-sub", 2);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        Frame subscribe = nextRequest();
        assertThat(subscribe.type()).isEqualTo(MessageType.STREAM_SUBSCRIBE);
        assertThat(payloadOf(subscribe)).isEqualTo(json("{\"task_id\":\"s-sub\",\"from_seq\":2}"));
        assertThat(stream.taskId()).contains("s-sub");

        conn.send(frame(subscribe, MessageType.RESPONSE_OK, "{\"ok\":true,\"task_id\":\"s-sub\",\"from_seq\":2}"),
                data(subscribe, "s-sub", 2, "c2"), data(subscribe, "s-sub", 3, "c3"));
        assertThat(valueOf(stream.answer()).body().path("from_seq").asInt()).isEqualTo(2);
        await().until(() -> sub.chunks.size() == 2);
        assertThat(sub.chunks).extracting(StreamChunk::seq).containsExactly(2L, 3L);

        sub.cancel();
        Frame cancel = nextRequest();
        assertThat(payloadOf(cancel)).as("a subscribe is not a submit: the task is named")
                .isEqualTo(json("{\"task_id\":\"s-sub\"}"));
        assertThatThrownBy(() -> client.subscribe("s", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- v1 ----

    @Test
    void onV1TheStreamHoldsTheLineAndALaterRequestWaitsForItsEnd() throws Exception {
        startV1();
        TaskStream stream = client.submitStream(SUBMIT);
        StreamSubscriber sub = StreamSubscriber.unbounded();
        stream.subscribe(sub);
        CompletableFuture<java.time.Duration> ping = client.ping();
        Frame submit = nextRequest();
        assertThat(nextRequest().type()).isEqualTo(MessageType.PING);
        assertThat(submit.version()).isEqualTo(Frame.V1);
        String taskId = payloadOf(submit).path("task_id").asText();
        assertThat(taskId).as("a v1 streamed submit is named by the client").hasSize(36);
        assertThat(stream.taskId()).contains(taskId);

        conn.send(decision(submit, taskId), data(submit, taskId, 1, "a"), data(submit, taskId, 2, "b"));
        await().until(() -> sub.chunks.size() == 2);
        assertThat(ping).as("the PING's answer comes after the stream's end").isNotDone();
        assertThat(valueOf(stream.answer()).taskId()).contains(taskId);

        conn.send(complete(submit, taskId, 2, 2), Frame.of(MessageType.PONG));

        assertThat(valueOf(ping)).isPositive();
        await().until(sub::terminated);
        assertThat(sub.completed).isTrue();
        assertThat(sub.texts()).containsExactly("a", "b");
        assertThat(client.toString()).endsWith("open, 0 pending]");
    }

    @Test
    void onV1ACancelNamesTheTaskTheClientGaveTheSubmit() throws Exception {
        startV1();
        ObjectNode named = SUBMIT.deepCopy().put("task_id", "mine");
        TaskStream given = client.submitStream(named);
        TaskStream unnamed = client.submitStream(SUBMIT);
        Frame first = nextRequest();
        Frame second = nextRequest();
        String generated = payloadOf(second).path("task_id").asText();

        assertThat(payloadOf(first).path("task_id").asText()).isEqualTo("mine");
        assertThat(unnamed.cancel()).isTrue();
        assertThat(given.cancel()).isTrue();

        List<JsonNode> cancels = new ArrayList<>(List.of(payloadOf(nextRequest()), payloadOf(nextRequest())));
        assertThat(cancels).containsExactlyInAnyOrder(json("{\"task_id\":\"" + generated + "\"}"),
                json("{\"task_id\":\"mine\"}"));
        assertThat(gateway.received()).isEmpty();
    }
}
