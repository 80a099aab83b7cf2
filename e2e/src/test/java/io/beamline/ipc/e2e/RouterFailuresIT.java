package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenarios 2 and 3 of the bridge issue: every Router failure, produced by the real Router's fault
 * injection (one policy per fault, tenant "faulty"), reaches the client as the documented error.
 * Expectations come from the error table, not from the gateway's code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterFailuresIT {

    private static final String TENANT = "faulty";
    /**
     * When the "late" policy's reply comes. The client's deadline is 300 ms; the reply comes so much later
     * that "answered at the deadline, before the reply" holds with seconds to spare on a busy machine.
     */
    private static final int LATE_REPLY_MS = 5_000;
    private static final List<String> ERROR_CODES = List.of("invalid_request", "unauthorized", "validator_blocked",
            "policy_not_found", "extension_not_found", "rate_limit_exceeded", "decision_failed", "internal",
            "post_processor_failed", "extension_error", "extension_unavailable", "extension_timeout",
            "weird_new_code");

    private Path dir;
    private Deployment deployment;
    private IpcClient client;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path policies = Files.createDirectories(dir.resolve("policies").resolve(TENANT));
        for (String code : ERROR_CODES) {
            policy(policies, code, "{\"error\": \"" + code + "\"}");
        }
        policy(policies, "malformed", "{\"malformed\": true}");
        policy(policies, "silent", "{\"no_reply\": true}");
        policy(policies, "late", "{\"late_reply_ms\": " + LATE_REPLY_MS + "}");
        deployment = Deployment.start(dir,
                List.of("--enable-faults", "--policies", dir.resolve("policies").toString()), List.of(),
                Deployment.BREAKER_ASIDE);
        client = IpcClient.connect(deployment.socket);
    }

    private static void policy(Path dir, String id, String faults) throws Exception {
        Files.writeString(dir.resolve(id + ".json"),
                "{\"providers\": [{\"name\": \"p\", \"weight\": 100}], \"faults\": " + faults + "}");
    }

    @AfterAll
    void stop() {
        client.close();
        deployment.close();
    }

    private IpcErrorException submitExpectingError(String policy, Integer deadlineMs) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate")
                .put("tenant_id", TENANT).put("policy_id", policy);
        p.putObject("payload").put("prompt", "Hello, world");
        if (deadlineMs != null) {
            p.put("deadline_ms", deadlineMs);
        }
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> client.submit(p).get());
        assertThat(e).as("policy %s must fail", policy).isNotNull();
        assertThat(e.getCause()).isInstanceOf(IpcErrorException.class);
        return (IpcErrorException) e.getCause();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "invalid_request,       400, false",
        "unauthorized,          401, false",
        "validator_blocked,     403, false",
        "policy_not_found,      404, false",
        "extension_not_found,   404, false",
        "rate_limit_exceeded,   429, true",
        "decision_failed,       500, false",
        "internal,              500, false",
        "post_processor_failed, 500, false",
        "extension_error,       500, false",
        "extension_unavailable, 503, true",
        "extension_timeout,     504, true",
        "weird_new_code,        500, false",
    })
    void eachRouterErrorReachesTheClientWithItsStatusAndAllItsContext(String code, int status, boolean retryable) {
        IpcErrorException e = submitExpectingError(code, null);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.taskId()).isPresent();
        assertThat(e.traceId()).hasValueSatisfying(t -> assertThat(t).matches("[0-9a-f]{32}"));
        assertThat(e.error().router()).as("the Router's own error is kept").isNotNull();
        assertThat(e.error().router().code()).isEqualTo(code);
        assertThat(e.error().router().details().path("fault").asText()).isEqualTo("error");
        if (code.equals("extension_timeout")) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        }
        if (code.equals("rate_limit_exceeded")) {
            assertThat(e.retryAfterMs()).isPresent();
        }
    }

    @Test
    void aMalformedRouterReplyIsABadGateway() {
        IpcErrorException e = submitExpectingError("malformed", null);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.reason()).isEqualTo("bad_router_reply");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void noReplyIsATimeoutAtTheClientsDeadline() {
        IpcErrorException e = submitExpectingError("silent", 300);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.status()).isEqualTo(504);
        await().untilAsserted(() -> assertThat(deployment.metric("router_requests_pending")).isZero());
    }

    @Test
    void aLateReplyIsCountedAndDroppedAfterTheClientGotItsTimeout() {
        double lateBefore = deployment.metric("router_replies_late_total");
        long started = System.nanoTime();
        IpcErrorException e = submitExpectingError("late", 300);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(tookMs).as("answered at the 300 ms deadline, long before the reply at %d ms", LATE_REPLY_MS)
                .isLessThan(LATE_REPLY_MS / 2);
        assertThat(deployment.metric("router_requests_pending")).isZero();
        await().atMost(Duration.ofMillis(LATE_REPLY_MS * 4L)).untilAsserted(() ->
                assertThat(deployment.metric("router_replies_late_total")).isEqualTo(lateBefore + 1));
        assertThat(deployment.metric("router_requests_pending")).isZero();
    }
}
