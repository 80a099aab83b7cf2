package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.routerclient.RouterResponse.Kind;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.RouterErrorInfo;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The table, one row per line: what the client sees for each Router error and each outcome. */
class ErrorTranslationTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "invalid_request,       INVALID_PAYLOAD, 400, false",
            "unauthorized,          ROUTER_ERROR,    401, false",
            "validator_blocked,     ROUTER_ERROR,    403, false",
            "policy_not_found,      NOT_FOUND,       404, false",
            "extension_not_found,   NOT_FOUND,       404, false",
            "rate_limit_exceeded,   RATE_LIMITED,    429, true",
            "decision_failed,       ROUTER_ERROR,    500, false",
            "internal,              ROUTER_ERROR,    500, false",
            "post_processor_failed, ROUTER_ERROR,    500, false",
            "extension_error,       ROUTER_ERROR,    500, false",
            "extension_unavailable, UNAVAILABLE,     503, true",
            "extension_timeout,     TIMEOUT,         504, true"})
    void routerErrorsKeepTheirCodeIntakeCodeAndDetails(String routerCode, ErrorCode ipc, int status, boolean retryable) {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("context", "Policy not found in store");
        RouterErrorInfo sent = new RouterErrorInfo(routerCode, "CORRELATION_FIELDS_INVALID", details);
        ErrorBody body = ErrorTranslation.fromRouter(sent, "Routing failed");
        assertThat(body.code()).isEqualTo(ipc.code());
        assertThat(body.status()).isEqualTo(status);
        assertThat(body.reason()).isEqualTo(routerCode);
        assertThat(body.retryable()).isEqualTo(retryable);
        assertThat(body.router()).isEqualTo(sent);
        assertThat(body.message()).contains("Routing failed", "Policy not found in store");
        assertThat(ErrorTranslation.ROUTER_ROWS).anySatisfy(r -> {
            assertThat(r.trigger()).isEqualTo(routerCode);
            assertThat(r.code().code()).isEqualTo(ipc.code());
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.reason()).isEqualTo(routerCode);
            assertThat(r.retryable()).isEqualTo(retryable);
        });
    }

    /** docs/PROTOCOL.md "Errors on the Router path", written out: trigger, IPC code, status, reason, retryable. */
    @Test
    void theTableHoldsExactlyTheDocumentedRows() {
        assertThat(ErrorTranslation.ROUTER_ROWS)
                .extracting(r -> tuple(r.trigger(), r.code().code(), r.status(), r.reason(), r.retryable()))
                .containsExactlyInAnyOrder(
                        tuple("invalid_request", 4, 400, "invalid_request", false),
                        tuple("unauthorized", 14, 401, "unauthorized", false),
                        tuple("validator_blocked", 14, 403, "validator_blocked", false),
                        tuple("policy_not_found", 11, 404, "policy_not_found", false),
                        tuple("extension_not_found", 11, 404, "extension_not_found", false),
                        tuple("rate_limit_exceeded", 9, 429, "rate_limit_exceeded", true),
                        tuple("decision_failed", 14, 500, "decision_failed", false),
                        tuple("internal", 14, 500, "internal", false),
                        tuple("post_processor_failed", 14, 500, "post_processor_failed", false),
                        tuple("extension_error", 14, 500, "extension_error", false),
                        tuple("extension_unavailable", 7, 503, "extension_unavailable", true),
                        tuple("extension_timeout", 5, 504, "extension_timeout", true));
        assertThat(ErrorTranslation.GATEWAY_ROWS)
                .extracting(r -> tuple(r.trigger(), r.code().code(), r.status(), r.reason(), r.retryable()))
                .containsExactlyInAnyOrder(
                        tuple("bad_router_reply", 15, 502, "bad_router_reply", false),
                        tuple("no_responders", 7, 503, "no_responders", true),
                        tuple("nats_unavailable", 7, 503, "nats_unavailable", true),
                        tuple("nats_disconnected", 7, 503, "nats_disconnected", true),
                        tuple("shutting_down", 7, 503, "shutting_down", true),
                        tuple("timeout", 5, 504, "timeout", true),
                        tuple("cancelled", 10, 499, "cancelled", false));
    }

    @Test
    void anUnknownRouterCodePassesThroughWithStatus500() {
        RouterErrorInfo sent = new RouterErrorInfo("quota_melted", null, null);
        ErrorBody body = ErrorTranslation.fromRouter(sent, "");
        assertThat(body.code()).isEqualTo(ErrorCode.ROUTER_ERROR.code());
        assertThat(body.status()).isEqualTo(500);
        assertThat(body.reason()).isEqualTo("quota_melted");
        assertThat(body.router().code()).isEqualTo("quota_melted");
        assertThat(body.message()).contains("quota_melted");
    }

    @Test
    void aRateLimitCarriesARetryHint() {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("retry_after_ms", 750);
        assertThat(ErrorTranslation.fromRouter(new RouterErrorInfo("rate_limit_exceeded", null, details), "slow")
                .retryAfterMs()).isEqualTo(750L);
        assertThat(ErrorTranslation.fromRouter(new RouterErrorInfo("rate_limit_exceeded", null, null), "slow")
                .retryAfterMs()).isEqualTo(ErrorTranslation.DEFAULT_RETRY_AFTER_MS);
    }

    @ParameterizedTest(name = "{0} -> {1} {2} {3}")
    @CsvSource({
            "NATS_UNAVAILABLE,  UNAVAILABLE, 503, nats_unavailable,  true",
            "NO_RESPONDERS,     UNAVAILABLE, 503, no_responders,     true",
            "NATS_DISCONNECTED, UNAVAILABLE, 503, nats_disconnected, true",
            "SHUTDOWN,          UNAVAILABLE, 503, shutting_down,     true",
            "TIMEOUT,           TIMEOUT,     504, timeout,           true"})
    void transportOutcomes(Kind kind, ErrorCode ipc, int status, String reason, boolean retryable) {
        ErrorBody body = ErrorTranslation.fromNoReply(new RouterResponse.NoReply(kind, "why"));
        assertThat(body.code()).isEqualTo(ipc.code());
        assertThat(body.status()).isEqualTo(status);
        assertThat(body.reason()).isEqualTo(reason);
        assertThat(body.retryable()).isEqualTo(retryable);
        assertThat(body.message()).isEqualTo("why");
    }

    @Test
    void aMalformedReplyIs502AndCancelIs499() {
        ErrorBody bad = ErrorTranslation.badReply("no ok");
        assertThat(bad.code()).isEqualTo(ErrorCode.BAD_GATEWAY.code());
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.reason()).isEqualTo("bad_router_reply");
        ErrorBody cancelled = ErrorTranslation.cancelled("by TASK_CANCEL");
        assertThat(cancelled.code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(cancelled.reason()).isEqualTo("cancelled");
        assertThat(cancelled.retryable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1]", "{}", "{\"ok\":\"yes\"}", "{\"ok\":true}",
            "{\"ok\":true,\"decision\":[]}", "{\"ok\":false}", "{\"ok\":false,\"error\":{\"message\":\"x\"}}",
            "{\"ok\":false,\"error\":{\"code\":3}}"})
    void repliesThatBreakTheContractAreMalformed(String reply) {
        assertThat(RouterReply.parse(reply.getBytes(StandardCharsets.UTF_8))).isInstanceOf(RouterReply.Malformed.class);
    }

    @Test
    void theContractsWireExamplesParse() {
        String ok = "{\"context\":{\"request_id\":\"req-0001\"},\"decision\":{\"provider_id\":\"openai\",\"priority\":50},\"ok\":true}";
        assertThat(RouterReply.parse(ok.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RouterReply.Decision.class, d -> assertThat(new String(d.decision(),
                        StandardCharsets.UTF_8)).isEqualTo("{\"provider_id\":\"openai\",\"priority\":50}"));
        String err = "{\"context\":{\"request_id\":\"undefined\"},\"error\":{\"code\":\"invalid_request\",\"intake_error_code\":"
                + "\"CORRELATION_FIELDS_INVALID\",\"message\":\"Correlation fields validation failed: missing_task\"},\"ok\":false}";
        RouterReply r = RouterReply.parse(err.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isInstanceOfSatisfying(RouterReply.Rejected.class, rej -> {
            assertThat(rej.error().code()).isEqualTo("invalid_request");
            assertThat(rej.error().intakeErrorCode()).isEqualTo("CORRELATION_FIELDS_INVALID");
            assertThat(rej.message()).contains("missing_task");
        });
    }
}
