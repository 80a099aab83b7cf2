package io.beamline.ipc.client;

import static io.beamline.ipc.client.Futures.failureOf;
import static io.beamline.ipc.client.Futures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client speaking protocol v1, as it did before v2: every connection here is forced to v1, so no
 * CAPABILITIES handshake is sent and the fake sees exactly the test's requests. v2 and the handshake:
 * {@link IpcClientV2Test}.
 */
class IpcClientTest {

    @TempDir
    Path dir;

    private FakeGateway gateway;
    private IpcClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private IpcClient start(FakeGateway.Script script) throws Exception {
        return start(script, IpcClientOptions.defaults());
    }

    private IpcClient start(FakeGateway.Script script, IpcClientOptions options) throws Exception {
        gateway = FakeGateway.start(dir.resolve("gw.sock"), script);
        client = IpcClient.connect(gateway.socketPath(), options.withProtocolVersion(Frame.V1));
        return client;
    }

    private static ObjectNode json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Frame ok(String json) {
        return Frame.of(MessageType.RESPONSE_OK, json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- answers of each kind ----

    @Test
    void pingReturnsTheRoundTripTime() throws Exception {
        start(FakeGateway.echo());

        Duration rtt = valueOf(client.ping());

        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(10));
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.PING);
        assertThat(gateway.received().peek().payload()).isEmpty();
    }

    @Test
    void capabilitiesAreReadFromTheOkPayload() throws Exception {
        start(FakeGateway.echo());

        assertThat(valueOf(client.capabilities())).isEqualTo(FakeGateway.capabilities());
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.CAPABILITIES);
    }

    @Test
    void taskCallsSendTheirTypeAndPayloadAndExposeTheAnswer() throws Exception {
        start((request, conn) -> conn.send(switch (request.type()) {
            case TASK_SUBMIT -> ok("{\"task_id\":\"t-1\",\"trace_id\":\"tr-1\",\"status\":\"accepted\"}");
            case TASK_QUERY -> ok("{\"task_id\":\"t-1\",\"status\":\"done\",\"decision\":{\"provider\":\"p1\"}}");
            default -> ok("{\"task_id\":\"t-1\",\"status\":\"cancelled\"}");
        }));

        TaskResponse submitted = valueOf(client.submit(json("{\"task_type\":\"code_completion\",\"payload\":{\"line\":42}}")));
        TaskResponse queried = valueOf(client.query("t-1"));
        TaskResponse cancelled = valueOf(client.cancel("t-1"));

        assertThat(submitted.taskId()).contains("t-1");
        assertThat(submitted.traceId()).contains("tr-1");
        assertThat(submitted.status()).contains("accepted");
        assertThat(submitted.decision()).isEmpty();
        assertThat(queried.status()).contains("done");
        assertThat(queried.decision()).hasValueSatisfying(d -> assertThat(d.path("provider").asText()).isEqualTo("p1"));
        assertThat(cancelled.status()).contains("cancelled");

        List<Frame> sent = new ArrayList<>(gateway.received());
        assertThat(sent).extracting(Frame::type)
                .containsExactly(MessageType.TASK_SUBMIT, MessageType.TASK_QUERY, MessageType.TASK_CANCEL);
        assertThat(Json.parseObject(sent.get(0).payload()))
                .isEqualTo(json("{\"task_type\":\"code_completion\",\"payload\":{\"line\":42}}"));
        assertThat(Json.parseObject(sent.get(1).payload())).isEqualTo(json("{\"task_id\":\"t-1\"}"));
        assertThat(Json.parseObject(sent.get(2).payload())).isEqualTo(json("{\"task_id\":\"t-1\"}"));
    }

    @Test
    void errorAnswerFailsWithAllItsFields() throws Exception {
        ErrorBody body = ErrorBody.of(ErrorCode.OVERLOADED, "too many requests in flight").withRetryAfterMs(250);
        start((request, conn) -> conn.send(new ErrorResponse(false, "t-7", "tr-7", body).toFrame()));

        Throwable failure = failureOf(client.submit(json("{\"task_type\":\"x\",\"payload\":{}}")));

        assertThat(failure).isInstanceOfSatisfying(IpcErrorException.class, e -> {
            assertThat(e.code()).isEqualTo(8);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.OVERLOADED);
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.reason()).isEqualTo("overloaded");
            assertThat(e.errorMessage()).isEqualTo("too many requests in flight");
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfterMs()).hasValue(250);
            assertThat(e.taskId()).contains("t-7");
            assertThat(e.traceId()).contains("tr-7");
            assertThat(e.getMessage()).isEqualTo("error 8 overloaded (503): too many requests in flight");
            assertThat(e.payload().path("error").path("retry_after_ms").asLong()).isEqualTo(250);
        });
    }

    @Test
    void legacyErrorAnswerGetsStatusReasonAndRetryabilityFromTheTable() throws Exception {
        start((request, conn) -> conn.send(Frame.of(MessageType.RESPONSE_ERROR,
                "{\"ok\":false,\"error\":{\"code\":5,\"message\":\"NATS request failed\"}}".getBytes(StandardCharsets.UTF_8))));

        Throwable failure = failureOf(client.query("t-1"));

        assertThat(failure).isInstanceOfSatisfying(IpcErrorException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.status()).isEqualTo(504);
            assertThat(e.reason()).isEqualTo("timeout");
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfterMs()).isEmpty();
            assertThat(e.taskId()).isEmpty();
        });
    }

    @Test
    void lowLevelRequestReturnsAnyFrameUninterpreted() throws Exception {
        Frame error = FakeGateway.error(ErrorCode.INVALID_TYPE, "PONG is not sent by clients");
        start((request, conn) -> conn.send(error));

        Frame answer = valueOf(client.request(Frame.of(MessageType.PONG)));

        assertThat(answer.type()).isEqualTo(MessageType.RESPONSE_ERROR);
        assertThat(answer.payload()).isEqualTo(error.payload());
    }

    @Test
    void unexpectedAnswerTypeFailsWithProtocolExceptionAndKeepsTheConnection() throws Exception {
        start((request, conn) -> conn.send(ok("{}")));

        assertThat(failureOf(client.ping())).isInstanceOf(IpcProtocolException.class).hasMessageContaining("PONG");
        assertThat(valueOf(client.query("t-1")).body()).isEqualTo(json("{}"));
        assertThat(client.isOpen()).isTrue();
    }

    // ---- ordering and pipelining ----

    @Test
    void thousandConcurrentRequestsFromEightThreadsGetTheirOwnAnswers() throws Exception {
        start(FakeGateway.echo());
        int threads = 8;
        int perThread = 125;
        ConcurrentHashMap<String, CompletableFuture<TaskResponse>> tasks = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, CompletableFuture<Duration>> pings = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        String id = thread + "-" + i;
                        if (i % 10 == 9) { // a different answer type in the mix: a misdelivery cannot go unnoticed
                            pings.put(id, client.ping());
                        } else {
                            tasks.put(id, client.submit(json("{\"task_type\":\"echo\",\"payload\":{\"id\":\"" + id + "\"}}")));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(tasks.size() + pings.size()).isEqualTo(threads * perThread);
        for (var e : tasks.entrySet()) {
            assertThat(valueOf(e.getValue()).body().path("payload").path("id").asText()).isEqualTo(e.getKey());
        }
        for (var ping : pings.values()) {
            assertThat(valueOf(ping)).isPositive();
        }
        assertThat(gateway.received()).hasSize(threads * perThread);
    }

    @Test
    void answersCoalescedInOneWriteGoToTheirRequestsInOrder() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<Duration> ping = client.ping();
        CompletableFuture<TaskResponse> first = client.query("a");
        CompletableFuture<TaskResponse> second = client.query("b");
        await().until(() -> gateway.received().size() == 3);

        conn.send(Frame.of(MessageType.PONG), ok("{\"task_id\":\"a\"}"), ok("{\"task_id\":\"b\"}"));

        assertThat(valueOf(ping)).isPositive();
        assertThat(valueOf(first).taskId()).contains("a");
        assertThat(valueOf(second).taskId()).contains("b");
    }

    @Test
    void answersSplitAnywhereAreReassembled() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();
        List<CompletableFuture<TaskResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(client.query("t-" + i));
        }
        await().until(() -> gateway.received().size() == 4);

        conn.sendInChunks(1, ok("{\"task_id\":\"t-0\"}"));                           // one byte per write
        conn.sendInChunks(7, ok("{\"task_id\":\"t-1\"}"), ok("{\"task_id\":\"t-2\"}")); // splits across frames
        conn.sendInChunks(3, ok("{\"task_id\":\"t-3\"}"));

        for (int i = 0; i < 4; i++) {
            assertThat(valueOf(answers.get(i)).taskId()).contains("t-" + i);
        }
    }

    @Test
    void answerLargerThanTheReadBufferIsReceived() throws Exception {
        start(FakeGateway.echo());
        String big = "x".repeat(3 * FrameReader.INITIAL_CAPACITY);

        TaskResponse answer = valueOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"blob\":\"" + big + "\"}}")));
        TaskResponse after = valueOf(client.query("small"));

        assertThat(answer.body().path("payload").path("blob").asText()).isEqualTo(big);
        assertThat(after.taskId()).contains("small");
    }

    // ---- timeouts ----

    @Test
    void timedOutRequestKeepsItsSlotSoTheLateAnswerGoesNowhere() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();

        CompletableFuture<TaskResponse> late = client.query("late", Duration.ofMillis(100));
        assertThat(failureOf(late)).isInstanceOf(TimeoutException.class);
        CompletableFuture<TaskResponse> next = client.query("next");
        await().until(() -> gateway.received().size() == 2);

        conn.send(ok("{\"task_id\":\"late\"}"));
        conn.send(ok("{\"task_id\":\"next\"}"));

        assertThat(valueOf(next).taskId()).contains("next");
        assertThat(late).isCompletedExceptionally();
    }

    @Test
    void lateAnswerWithNothingElsePendingIsDroppedAndTheConnectionStaysUp() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();

        assertThat(failureOf(client.ping(Duration.ofMillis(50)))).isInstanceOf(TimeoutException.class);
        conn.send(Frame.of(MessageType.PONG));
        CompletableFuture<TaskResponse> next = client.query("next");
        await().until(() -> gateway.received().size() == 2);
        conn.send(ok("{\"task_id\":\"next\"}"));

        assertThat(valueOf(next).taskId()).contains("next");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void defaultTimeoutComesFromTheOptions() throws Exception {
        start(FakeGateway.silent(), IpcClientOptions.defaults().withRequestTimeout(Duration.ofMillis(100)));

        assertThat(failureOf(client.ping())).isInstanceOf(TimeoutException.class);
    }

    // ---- connection end ----

    @Test
    void gatewayClosingFailsEveryPendingRequestAndLaterCallsAtOnce() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();
        List<CompletableFuture<?>> pending = List.of(client.ping(), client.query("a"), client.capabilities());
        await().until(() -> gateway.received().size() == 3);

        conn.close();

        for (CompletableFuture<?> f : pending) {
            assertThat(failureOf(f)).isInstanceOf(IpcConnectionException.class)
                    .hasMessageContaining("the gateway closed the connection");
        }
        await().until(() -> !client.isOpen());
        CompletableFuture<Duration> after = client.ping();
        assertThat(after).isCompletedExceptionally();
        assertThat(failureOf(after)).isSameAs(failureOf(pending.get(0)));
    }

    @Test
    void gatewayClosingInsideAFrameFailsWithTheEofAsCause() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<TaskResponse> pending = client.query("a");
        await().until(() -> gateway.received().size() == 1);

        conn.sendBytesOneByOne(Arrays.copyOf(new FrameCodec().encode(ok("{\"task_id\":\"a\"}")), 10));
        conn.close();

        assertThat(failureOf(pending)).isInstanceOf(IpcConnectionException.class).hasCauseInstanceOf(EOFException.class);
    }

    @Test
    void unsolicitedFrameEndsTheConnection() throws Exception {
        start(FakeGateway.silent());
        gateway.awaitConnection().send(Frame.of(MessageType.PONG));

        await().until(() -> !client.isOpen());
        assertThat(failureOf(client.ping())).isInstanceOf(IpcConnectionException.class)
                .hasCauseInstanceOf(IpcProtocolException.class);
    }

    @Test
    void badHeaderFromTheGatewayEndsTheConnection() throws Exception {
        start(FakeGateway.silent());
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<Duration> ping = client.ping();
        await().until(() -> gateway.received().size() == 1);

        conn.sendBytesOneByOne(new byte[] {0, 0, 0, 6, 3, (byte) 0xF1}); // version 3: no such protocol

        assertThat(failureOf(ping)).isInstanceOf(IpcConnectionException.class).hasCauseInstanceOf(FrameException.class);
    }

    @Test
    void closeFailsPendingRequestsStopsTheReaderAndIsIdempotent() throws Exception {
        start(FakeGateway.silent());
        CompletableFuture<Duration> pending = client.ping();

        client.close();

        assertThat(failureOf(pending)).isInstanceOf(IpcConnectionException.class).hasMessage("the client was closed");
        assertThat(client.readerThread().isAlive()).isFalse();
        assertThat(client.readerThread().getName()).isEqualTo("ipc-client-reader");
        assertThat(client.readerThread().isDaemon()).isTrue();
        assertThat(client.isOpen()).isFalse();
        client.close();
        assertThat(failureOf(client.query("x"))).isInstanceOf(IpcConnectionException.class);
    }

    @Test
    void connectingToAMissingSocketFails() {
        assertThatThrownBy(() -> IpcClient.connect(dir.resolve("missing.sock")))
                .isInstanceOf(IpcConnectionException.class)
                .hasMessageContaining("cannot connect to " + dir.resolve("missing.sock"));
    }

    // ---- refusals before sending ----

    @Test
    void frameLargerThanTheMaximumIsRefusedBeforeSending() throws Exception {
        start(FakeGateway.echo(), IpcClientOptions.defaults().withMaxFrameBytes(1024));

        Throwable failure = failureOf(client.submit(json("{\"blob\":\"" + "x".repeat(1024) + "\"}")));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024");
        assertThat(valueOf(client.ping())).isPositive();
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.PING);
    }

    @Test
    void interruptedCallerIsRefusedWithoutClosingTheSharedConnection() throws Exception {
        start(FakeGateway.echo());

        Thread.currentThread().interrupt();
        CompletableFuture<Duration> refused;
        try {
            refused = client.ping();
        } finally {
            Thread.interrupted();
        }

        assertThat(failureOf(refused)).isInstanceOf(IllegalStateException.class);
        assertThat(valueOf(client.ping())).isPositive();
    }

    @Test
    void nonPositiveTimeoutIsAProgrammingError() throws Exception {
        start(FakeGateway.echo());

        assertThatThrownBy(() -> client.ping(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
