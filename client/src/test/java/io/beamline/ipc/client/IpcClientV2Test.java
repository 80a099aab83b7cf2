package io.beamline.ipc.client;

import static io.beamline.ipc.client.Futures.failureOf;
import static io.beamline.ipc.client.Futures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Protocol v2 and the choice of version: the CAPABILITIES handshake on connect, request ids, answers in
 * any order, and what ends a v2 connection. (v1 alone: {@link IpcClientTest}.)
 */
class IpcClientV2Test {

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
        client = IpcClient.connect(gateway.socketPath(), options);
        return client;
    }

    /** Answers the handshake offering {@code versions}, then only records: the test answers. */
    private static FakeGateway.Script offersThenListens(Integer... versions) {
        FakeGateway.Script echo = FakeGateway.echoOffering(versions);
        return (request, conn) -> {
            if (request.type() == MessageType.CAPABILITIES) {
                echo.onRequest(request, conn);
            }
        };
    }

    /** The requests sent after the handshake, once {@code n} of them arrived. */
    private List<Frame> afterHandshake(int n) {
        await().until(() -> gateway.received().size() == n + 1);
        List<Frame> frames = new ArrayList<>(gateway.received());
        assertThat(frames.getFirst().type()).isEqualTo(MessageType.CAPABILITIES);
        return frames.subList(1, frames.size());
    }

    private static ObjectNode json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    /** RESPONSE_OK for {@code request} carrying its task_id, so a misdelivery shows. */
    private static Frame okFor(Frame request) {
        String taskId = Json.parseObject(request.payload()).path("task_id").asText();
        return Frame.v2(MessageType.RESPONSE_OK, request.requestId(),
                ("{\"task_id\":\"" + taskId + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    // ---- choosing the version ----

    @Test
    void speaksV2WhenTheGatewayOffersIt() throws Exception {
        start(FakeGateway.echoOffering(1, 2));

        assertThat(client.protocolVersion()).isEqualTo(Frame.V2);
        assertThat(valueOf(client.ping())).isPositive();
        List<Frame> sent = new ArrayList<>(gateway.received());
        assertThat(sent).extracting(Frame::type).containsExactly(MessageType.CAPABILITIES, MessageType.PING);
        assertThat(sent.get(0).version()).as("the handshake is v1: every gateway answers it").isEqualTo(Frame.V1);
        assertThat(sent.get(1).version()).isEqualTo(Frame.V2);
        assertThat(sent.get(1).requestId()).isNotZero();
        assertThat(client.toString()).contains("v2");
    }

    @Test
    void staysOnV1WhenTheGatewayOffersOnlyV1() throws Exception {
        start(FakeGateway.echo());

        assertThat(client.protocolVersion()).isEqualTo(Frame.V1);
        assertThat(valueOf(client.query("t-1")).taskId()).contains("t-1");
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.CAPABILITIES, MessageType.TASK_QUERY);
        assertThat(gateway.received()).extracting(Frame::version).containsOnly(Frame.V1);
    }

    @Test
    void staysOnV1WhenTheGatewayCannotAnswerCapabilities() throws Exception {
        FakeGateway.Script echo = FakeGateway.echo();
        start((request, conn) -> {
            if (request.type() == MessageType.CAPABILITIES) {
                conn.send(FakeGateway.error(ErrorCode.INVALID_TYPE, "unknown type 0xF2"));
            } else {
                echo.onRequest(request, conn);
            }
        });

        assertThat(client.protocolVersion()).isEqualTo(Frame.V1);
        assertThat(valueOf(client.ping())).isPositive();
    }

    @Test
    void aForcedVersionIsSpokenWithoutAHandshake() throws Exception {
        start(FakeGateway.echoOffering(1, 2), IpcClientOptions.defaults().withProtocolVersion(1));
        assertThat(client.protocolVersion()).isEqualTo(Frame.V1);
        assertThat(valueOf(client.ping())).isPositive();
        client.close();
        try (IpcClient v2 = IpcClient.connect(gateway.socketPath(), IpcClientOptions.defaults().withProtocolVersion(2))) {
            assertThat(v2.protocolVersion()).isEqualTo(Frame.V2);
            assertThat(valueOf(v2.ping())).isPositive();
        }

        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.PING, MessageType.PING);
        assertThat(gateway.received()).extracting(Frame::version).containsExactly(Frame.V1, Frame.V2);
    }

    @Test
    void aGatewayRefusingTheConnectionFailsConnectWithItsAnswer() throws Exception {
        gateway = FakeGateway.start(dir.resolve("gw.sock"), (request, conn) -> {
            conn.send(FakeGateway.error(ErrorCode.PERMISSION_DENIED, "uid 1234 is not allowed"));
            conn.close();
        });

        assertThatThrownBy(() -> IpcClient.connect(gateway.socketPath()))
                .isInstanceOf(IpcConnectionException.class)
                .hasMessageContaining("refused the connection: error 12 permission_denied (403): uid 1234 is not allowed")
                .hasCauseInstanceOf(IpcErrorException.class);
    }

    @Test
    void aHandshakeWithoutAnAnswerFailsConnectWithinTheConnectTimeout() throws Exception {
        gateway = FakeGateway.start(dir.resolve("gw.sock"), FakeGateway.silent());

        assertThatThrownBy(() -> IpcClient.connect(gateway.socketPath(),
                IpcClientOptions.defaults().withConnectTimeout(Duration.ofMillis(200))))
                .isInstanceOf(IpcConnectionException.class)
                .hasMessageContaining("no answer to CAPABILITIES within 200 ms")
                .hasCauseInstanceOf(TimeoutException.class);
    }

    // ---- request ids and answers in any order ----

    @Test
    void answersInAnyOrderCompleteTheFutureOfTheirOwnRequest() throws Exception {
        start(offersThenListens(1, 2));
        FakeGateway.Connection conn = gateway.awaitConnection();
        List<CompletableFuture<TaskResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(client.query("t-" + i));
        }
        List<Frame> requests = afterHandshake(20);
        assertThat(requests).extracting(Frame::version).containsOnly(Frame.V2);
        assertThat(requests).extracting(Frame::requestId).doesNotContain(0).doesNotHaveDuplicates();

        conn.send(okFor(requests.get(19))); // the newest first: it completes while every older one waits
        assertThat(valueOf(futures.get(19)).taskId()).contains("t-19");
        assertThat(futures.subList(0, 19)).allSatisfy(f -> assertThat(f).isNotDone());
        Frame[] rest = new Frame[19];
        for (int i = 0; i < 19; i++) {
            rest[i] = okFor(requests.get(18 - i)); // then all the others, newest first, in one write
        }
        conn.send(rest);

        for (int i = 0; i < 20; i++) {
            assertThat(valueOf(futures.get(i)).taskId()).contains("t-" + i);
        }
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void thousandConcurrentRequestsAnsweredOutOfOrderGetTheirOwnAnswers() throws Exception {
        // Answers in batches of 10, each batch newest first.
        List<Frame> batch = new ArrayList<>();
        FakeGateway.Script echo = FakeGateway.echoOffering(1, 2);
        start((request, conn) -> {
            if (request.type() == MessageType.CAPABILITIES) {
                echo.onRequest(request, conn);
                return;
            }
            batch.addFirst(FakeGateway.echoAnswer(request));
            if (batch.size() == 10) {
                conn.send(batch.toArray(Frame[]::new));
                batch.clear();
            }
        });
        int threads = 8;
        int perThread = 125;
        ConcurrentHashMap<String, CompletableFuture<TaskResponse>> tasks = new ConcurrentHashMap<>();
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
                        tasks.put(id, client.submit(json("{\"task_type\":\"echo\",\"payload\":{\"id\":\"" + id + "\"}}")));
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

        assertThat(tasks).hasSize(threads * perThread);
        for (var e : tasks.entrySet()) {
            assertThat(valueOf(e.getValue()).body().path("payload").path("id").asText()).isEqualTo(e.getKey());
        }
        List<Frame> requests = afterHandshake(threads * perThread);
        assertThat(requests).extracting(Frame::requestId).doesNotContain(0).doesNotHaveDuplicates();
    }

    @Test
    void aCancelledRequestKeepsItsIdSoItsLateAnswerIsDroppedNotMisdelivered() throws Exception {
        start(offersThenListens(1, 2));
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<TaskResponse> cancelled = client.query("cancelled");
        CompletableFuture<TaskResponse> timedOut = client.query("timed-out", Duration.ofMillis(50));
        afterHandshake(2);
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(failureOf(timedOut)).isInstanceOf(TimeoutException.class);
        CompletableFuture<TaskResponse> next = client.query("next");
        List<Frame> requests = afterHandshake(3);

        conn.send(okFor(requests.get(0)), okFor(requests.get(1))); // late answers: dropped, not unknown ids
        conn.send(okFor(requests.get(2)));

        assertThat(valueOf(next).taskId()).contains("next");
        assertThat(client.isOpen()).isTrue();
        assertThat(cancelled).isCancelled();
    }

    @Test
    void aFrameTooLargeIsRefusedBeforeSendingAndTheConnectionStaysUsable() throws Exception {
        start(FakeGateway.echoOffering(1, 2), IpcClientOptions.defaults().withMaxFrameBytes(4096));

        Throwable failure = failureOf(client.submit(json("{\"blob\":\"" + "x".repeat(4096) + "\"}")));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096");
        assertThat(valueOf(client.ping())).isPositive();
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.CAPABILITIES, MessageType.PING);
        assertThat(client.toString()).as("the refused request's id was given back").endsWith("open, 0 pending]");
    }

    // ---- what ends a v2 connection ----

    @Test
    void anAnswerUnderAnUnknownIdEndsTheConnectionAndFailsEveryPendingRequest() throws Exception {
        start(offersThenListens(1, 2));
        FakeGateway.Connection conn = gateway.awaitConnection();
        List<CompletableFuture<?>> pending = List.of(client.query("a"), client.ping());
        List<Frame> requests = afterHandshake(2);
        int unknown = requests.get(0).requestId() + requests.get(1).requestId() + 1000;

        conn.send(Frame.v2(MessageType.RESPONSE_OK, unknown, "{}".getBytes(StandardCharsets.UTF_8)));

        for (CompletableFuture<?> f : pending) {
            assertThat(failureOf(f)).isInstanceOf(IpcConnectionException.class)
                    .hasMessageContaining("request id " + unknown)
                    .hasCauseInstanceOf(IpcProtocolException.class);
        }
        await().until(() -> !client.isOpen());
        assertThat(failureOf(client.ping())).isSameAs(failureOf(pending.get(0)));
    }

    @Test
    void aSecondAnswerForTheSameIdEndsTheConnection() throws Exception {
        start(offersThenListens(1, 2));
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<TaskResponse> answered = client.query("a");
        CompletableFuture<TaskResponse> waiting = client.query("b");
        Frame first = afterHandshake(2).get(0);

        conn.send(okFor(first), okFor(first));

        assertThat(valueOf(answered).taskId()).contains("a");
        assertThat(failureOf(waiting)).isInstanceOf(IpcConnectionException.class)
                .hasCauseInstanceOf(IpcProtocolException.class);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aStreamFrameForARequestThatDoesNotStreamEndsTheConnectionAndFailsItsRequest() throws Exception {
        start(offersThenListens(1, 2));
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<TaskResponse> query = client.query("t-1");
        Frame request = afterHandshake(1).get(0);

        conn.send(Frame.v2(MessageType.STREAM_DATA, request.requestId(), "{\"seq\":1,\"data\":\"x\"}".getBytes(StandardCharsets.UTF_8)));

        assertThat(failureOf(query)).isInstanceOf(IpcConnectionException.class)
                .hasMessageContaining("for a request that does not stream")
                .hasCauseInstanceOf(IpcProtocolException.class);
    }

    @Test
    void aStreamingSubmitOrSubscribeIsRefusedOutsideTheStreamingCalls() throws Exception {
        start(FakeGateway.echoOffering(1, 2));

        assertThat(failureOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{},\"stream\":true}"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("submitStream");
        assertThat(failureOf(client.request(Frame.of(MessageType.STREAM_SUBSCRIBE, "{\"task_id\":\"t\"}".getBytes(StandardCharsets.UTF_8)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would start a stream");
        assertThat(valueOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{},\"stream\":false}"))).body().path("stream").asBoolean())
                .isFalse();
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.CAPABILITIES, MessageType.TASK_SUBMIT);
    }

    @Test
    void aV1AnswerNobodyWaitsForEndsAV2Connection() throws Exception {
        start(offersThenListens(1, 2));
        FakeGateway.Connection conn = gateway.awaitConnection();
        CompletableFuture<Duration> ping = client.ping();
        afterHandshake(1);

        conn.send(FakeGateway.error(ErrorCode.INVALID_VERSION, "unsupported protocol version 2")); // v1, no id

        assertThat(failureOf(ping)).isInstanceOf(IpcConnectionException.class)
                .hasMessageContaining("unsupported protocol version 2") // an error sent unasked is shown
                .hasCauseInstanceOf(IpcProtocolException.class);
    }
}
