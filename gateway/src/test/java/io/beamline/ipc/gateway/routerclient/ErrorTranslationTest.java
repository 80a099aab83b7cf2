package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(ErrorTranslation.ROUTER_ROWS).anySatisfy(r -> assertThat(r.trigger()).isEqualTo(routerCode));
    }

    @Test
    void everyRowOfTheTableIsCoveredAbove() {
        assertThat(ErrorTranslation.ROUTER_ROWS).hasSize(12);
        assertThat(ErrorTranslation.GATEWAY_ROWS).hasSize(7);
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
                .isEqualTo(new RouterReply.Decision((ObjectNode) io.beamline.ipc.protocol.Json.parseObject(
                        ok.getBytes(StandardCharsets.UTF_8)).get("decision")));
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
