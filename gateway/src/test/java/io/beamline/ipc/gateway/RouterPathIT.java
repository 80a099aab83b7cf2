package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real gateway (socket, NATS pool, task service) against a private nats-server and a scripted Router peer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterPathIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private NatsServerProcess nats;
    private Gateway gateway;
    private ScriptedRouter router;
    private IpcClient client;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        nats = NatsServerProcess.start();
        router = new ScriptedRouter(nats.url());
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "ipc.socket_path", dir.resolve("gw.sock").toString(), "admin.port", "0",
                "nats.url", nats.url(),
                "router.timeout_ms", "1500",
                "router.max_timeout_ms", "2000",
                // Every Router failure on purpose, many in a row: the breaker must not step in here.
                "breaker.minimum_calls", "1000", "breaker.window_size", "1000")));
        await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
    }

    @BeforeEach
    void connect() {
        client = IpcClient.connect(gateway.socketPath());
        router.decide = ScriptedRouter::decision;
        router.decideRequests.clear();
        router.cancelNotices.clear();
    }

    @AfterEach
    void nothingOutlivesItsRequest() {
        client.close();
        await().atMost(WAIT).until(() -> gateway.router().pending() == 0);
    }


    @AfterAll
    void stop() throws Exception {
        gateway.close();
        router.close();
        nats.close();
    }

    static ObjectNode json(String s) {
        return Json.parseObject(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The error a client got for a request; fails when it got anything else within 10 s. */
    static IpcErrorException errorOf(CompletableFuture<TaskResponse> f) {
        Throwable t = catchThrowable(() -> f.get(10, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IpcErrorException.class);
        return (IpcErrorException) t.getCause();
    }

    @Test
    void aSubmitReachesTheRouterAndItsDecisionComesBackAsReceived() throws Exception {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        TaskResponse ok = client.submit(json("{\"task_type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello, world\"},"
                + "\"task_id\":\"happy-1\",\"traceparent\":\"" + parent + "\"}")).get(10, TimeUnit.SECONDS);

        assertThat(ok.body().path("ok").asBoolean()).isTrue();
        assertThat(ok.taskId()).contains("happy-1");
        assertThat(ok.traceId()).contains("4bf92f3577b34da6a3ce929d0e0e4736");
        Message seen = router.decideRequests.poll(10, TimeUnit.SECONDS);
        JsonNode routerDecision = Json.parseObject(ScriptedRouter.decision(seen).getBytes(StandardCharsets.UTF_8)).get("decision");
        assertThat(ok.decision()).contains(routerDecision);

        JsonNode request = Json.parseObject(seen.getData());
        assertThat(request.path("version").asText()).isEqualTo("1");
        assertThat(request.path("request_id").asText()).isEqualTo("happy-1");
        assertThat(request.path("tenant_id").asText()).isEqualTo("default_tenant");
        assertThat(request.path("policy_id").asText()).isEqualTo("default");
        assertThat(request.path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(seen.getHeaders().getFirst("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(seen.getHeaders().getFirst("tenant_id")).isEqualTo("default_tenant");
        assertThat(seen.getHeaders().getFirst("version")).isEqualTo("1");
        assertThat(seen.getHeaders().getFirst("request_id")).isEqualTo("happy-1");
        assertThat(seen.getHeaders().getFirst("traceparent"))
                .matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01").isNotEqualTo(parent);
        assertThat(seen.getHeaders().getFirst("span_id"))
                .isEqualTo(seen.getHeaders().getFirst("traceparent").substring(36, 52));
        assertThat(seen.getReplyTo()).as("one reply subject per request").startsWith("_INBOX.gw.");

        TaskResponse q = client.query("happy-1").get(10, TimeUnit.SECONDS);
        assertThat(q.status()).contains("succeeded");
        assertThat(q.decision()).contains(routerDecision);
    }

    @Test
    void aLegacyEditorSubmitIsServedToo() throws Exception {
        TaskResponse ok = client.submit(json("{\"command\":\"task_submit\",\"task\":\"code_completion\","
                + "\"file\":\"a.py\",\"line\":42,\"context\":\"def f():\"}")).get(10, TimeUnit.SECONDS);
        assertThat(ok.decision()).isPresent();
        JsonNode task = Json.parseObject(router.decideRequests.poll(10, TimeUnit.SECONDS).getData()).path("task");
        assertThat(task.path("type").asText()).isEqualTo("code_completion");
        assertThat(task.path("payload").toString()).isEqualTo("{\"file\":\"a.py\",\"line\":42,\"context\":\"def f():\"}");
    }

    /**
     * docs/PROTOCOL.md "Errors on the Router path" (statuses as the Router contract's gateway mapping states them),
     * written out here: Router code, IPC code, status, retryable, retry_after_ms (empty: not checked). The reason is
     * the Router's own code.
     */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "invalid_request,       4,  400, false,",
            "unauthorized,          14, 401, false,",
            "validator_blocked,     14, 403, false,",
            "policy_not_found,      11, 404, false,",
            "extension_not_found,   11, 404, false,",
            "rate_limit_exceeded,   9,  429, true,  1000",
            "decision_failed,       14, 500, false,",
            "internal,              14, 500, false,",
            "post_processor_failed, 14, 500, false,",
            "extension_error,       14, 500, false,",
            "extension_unavailable, 7,  503, true,",
            "extension_timeout,     5,  504, true,"})
    void eachRouterErrorBecomesItsIpcErrorWithNothingLost(String routerCode, int ipcCode, int status,
            boolean retryable, Long retryAfterMs) {
        router.decide = m -> ScriptedRouter.error(routerCode, "SOME_INTAKE_CODE", "{\"context\":\"why\",\"policy_id\":\"p\"}");
        IpcErrorException e = errorOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"}}")));
        assertThat(e.code()).isEqualTo(ipcCode);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.reason()).isEqualTo(routerCode);
        assertThat(e.retryable()).isEqualTo(retryable);
        if (retryAfterMs != null) {
            assertThat(e.retryAfterMs()).as("no hint in the Router's details: the documented default")
                    .hasValue(retryAfterMs);
        }
        assertThat(e.taskId()).isPresent();
        assertThat(e.traceId()).isPresent();
        assertThat(e.errorMessage()).contains("Routing failed", "why");
        JsonNode sent = e.payload().path("error").path("router");
        assertThat(sent.path("code").asText()).isEqualTo(routerCode);
        assertThat(sent.path("intake_error_code").asText()).isEqualTo("SOME_INTAKE_CODE");
        assertThat(sent.path("details").path("policy_id").asText()).isEqualTo("p");
    }

    @Test
    void anUnknownRouterCodePassesThroughAs500AndAMalformedReplyIs502() {
        router.decide = m -> ScriptedRouter.error("brand_new_error", null, null);
        IpcErrorException unknown = errorOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"}}")));
        assertThat(unknown.status()).isEqualTo(500);
        assertThat(unknown.payload().path("error").path("router").path("code").asText()).isEqualTo("brand_new_error");

        router.decide = m -> "{\"ok\":true}";
        IpcErrorException bad = errorOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"}}")));
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.BAD_GATEWAY);
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.reason()).isEqualTo("bad_router_reply");
    }

    @Test
    void noRespondersIsAFast503() throws Exception {
        router.unsubscribeDecide();
        try {
            // deadline_ms 60000 is capped to router.max_timeout_ms (2 s): an answer only at the deadline would be
            // a timeout, so the reason and an answer well before 2 s both say nobody waited for it.
            long start = System.nanoTime();
            IpcErrorException e = errorOf(client.submit(json(
                    "{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"deadline_ms\":60000}")));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 2 s deadline")
                    .isLessThan(Duration.ofMillis(1900));
            assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.reason()).isEqualTo("no_responders");
            assertThat(e.retryable()).isTrue();
        } finally {
            router.subscribeDecide();
        }
    }

    @Test
    void aTimeoutAnswers504AndTheLateReplyIsCountedAndDropped() throws Exception {
        router.decide = m -> null;
        long lateBefore = gateway.router().lateReplies();
        IpcErrorException e = errorOf(client.submit(json(
                "{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"task_id\":\"slow-1\",\"deadline_ms\":300}")));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.status()).isEqualTo(504);
        assertThat(e.reason()).isEqualTo("timeout");
        assertThat(gateway.router().pending()).isZero();

        Message request = router.decideRequests.poll(10, TimeUnit.SECONDS);
        router.reply(request, ScriptedRouter.decision(request));
        await().atMost(WAIT).until(() -> gateway.router().lateReplies() == lateBefore + 1);
        assertThat(client.query("slow-1").get(10, TimeUnit.SECONDS).status()).as("not completed twice")
                .contains("timed_out");
    }

    @Test
    void aClientDeadlineIsCappedByRouterMaxTimeout() throws Exception {
        router.decide = m -> null;
        long startEpochMs = System.currentTimeMillis();
        long start = System.nanoTime();
        IpcErrorException e = errorOf(client.submit(json(
                "{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"deadline_ms\":60000}")));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        long answeredEpochMs = System.currentTimeMillis();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        // Never before the capped deadline; and far from the 60 s the client asked for (a late timer on a busy machine
        // is no failure).
        assertThat(took).as("router.max_timeout_ms = 2000").isBetween(Duration.ofMillis(1900), Duration.ofSeconds(9));
        // The Router is told the same capped deadline, as the moment the gateway stops waiting.
        JsonNode request = Json.parseObject(router.decideRequests.poll(10, TimeUnit.SECONDS).getData());
        assertThat(request.path("metadata").path("deadline").asLong())
                .isBetween(startEpochMs + 2000, answeredEpochMs + 2000);
    }

    @Test
    void cancelOfAnInFlightTaskAnswersItsSubmitFreesItAndTellsTheRouter() throws Exception {
        router.decide = m -> null;
        CompletableFuture<TaskResponse> submit = client.submit(json(
                "{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"task_id\":\"cancel-me\"}"));
        Message request = router.decideRequests.poll(10, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        try (IpcClient other = IpcClient.connect(gateway.socketPath())) {
            TaskResponse cancelled = other.cancel("cancel-me").get(10, TimeUnit.SECONDS);
            assertThat(cancelled.body().path("cancelled").asBoolean()).isTrue();
            assertThat(cancelled.status()).contains("cancelled");
            IpcErrorException e = errorOf(submit);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CANCELLED);
            assertThat(gateway.router().pending()).isZero();
            JsonNode notice = router.cancelNoticeFor("cancel-me", WAIT);
            assertThat(notice.path("reason").asText()).isEqualTo("client_cancel");

            TaskResponse again = other.cancel("cancel-me").get(10, TimeUnit.SECONDS);
            assertThat(again.body().path("cancelled").asBoolean(true)).isFalse();
            assertThat(again.status()).contains("cancelled");
            assertThat(other.query("cancel-me").get(10, TimeUnit.SECONDS).status()).contains("cancelled");

            long late = gateway.router().lateReplies();
            router.reply(request, ScriptedRouter.decision(request));
            await().atMost(WAIT).until(() -> gateway.router().lateReplies() == late + 1);
            assertThat(other.query("cancel-me").get(10, TimeUnit.SECONDS).status()).contains("cancelled");
        }
    }

    @Test
    void cancelOfAFinishedTaskSaysSoAndOfAnUnknownOneIsNotFound() throws Exception {
        client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"task_id\":\"done-1\"}"))
                .get(10, TimeUnit.SECONDS);
        TaskResponse r = client.cancel("done-1").get(10, TimeUnit.SECONDS);
        assertThat(r.body().path("cancelled").asBoolean(true)).isFalse();
        assertThat(r.status()).contains("succeeded");
        assertThat(errorOf(client.cancel("nobody")).errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void queryOfAnUnknownTaskAsksTheRoutersGetDecision() throws Exception {
        assertThat(errorOf(client.query("never-seen")).errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
        router.getDecision = m -> Json.parseObject(m.getData()).path("request_id").asText().equals("elsewhere")
                ? "{\"ok\":true,\"decision\":{\"provider_id\":\"anthropic\",\"priority\":50}}"
                : "{\"ok\":false,\"error\":{\"code\":\"not_found\"}}";
        try {
            TaskResponse r = client.query("elsewhere").get(10, TimeUnit.SECONDS);
            assertThat(r.status()).contains("succeeded");
            assertThat(r.decision().orElseThrow().path("provider_id").asText()).isEqualTo("anthropic");
        } finally {
            router.getDecision = m -> "{\"ok\":false,\"error\":{\"code\":\"not_found\"}}";
        }
    }

    @Test
    void queryOfATaskTheRouterReportsCancelledSaysSo() throws Exception {
        router.getDecision = m -> "{\"ok\":false,\"error\":{\"code\":\"cancelled\",\"message\":\"Request cancelled\"},"
                + "\"context\":{\"request_id\":\"held\"}}";
        try {
            TaskResponse r = client.query("held").get(10, TimeUnit.SECONDS);
            assertThat(r.status()).contains("cancelled");
            assertThat(r.decision()).isEmpty();
        } finally {
            router.getDecision = m -> "{\"ok\":false,\"error\":{\"code\":\"not_found\"}}";
        }
    }

    @Test
    void aClientThatGoesAwayFreesItsRequests() throws Exception {
        router.decide = m -> null;
        IpcClient leaving = IpcClient.connect(gateway.socketPath());
        leaving.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"task_id\":\"gone-1\"}"));
        router.decideRequests.poll(10, TimeUnit.SECONDS);
        assertThat(gateway.router().pending()).isEqualTo(1);
        leaving.close();
        await().atMost(WAIT).until(() -> gateway.router().pending() == 0);
        assertThat(client.query("gone-1").get(10, TimeUnit.SECONDS).status()).contains("cancelled");
        assertThat(router.cancelNoticeFor("gone-1", WAIT).path("reason").asText()).as("the Router may drop the work")
                .isEqualTo("client_gone");
    }
}
