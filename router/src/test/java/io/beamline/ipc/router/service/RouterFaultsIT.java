package io.beamline.ipc.router.service;

import static io.beamline.ipc.router.service.FaultPolicies.TENANT;
import static io.beamline.ipc.router.service.RouterFixture.body;
import static io.beamline.ipc.router.service.RouterFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.router.fault.FaultHeaders;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each fault, chosen by header and by policy, against a real nats-server and a Router with --enable-faults. */
class RouterFaultsIT {

    @TempDir
    static Path dir;

    private static RouterFixture f;
    private static final AtomicInteger IDS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        f = RouterFixture.start(FaultPolicies.write(dir), c -> c.withFaults(true, Duration.ZERO));
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private static String plain() {
        return body("r" + IDS.incrementAndGet(), TENANT, "plain");
    }

    private static Headers fault(String name, String value) {
        return new Headers().put(name, value);
    }

    @Test
    void withoutFaultsTheRequestIsDecided() throws Exception {
        JsonNode reply = json(f.decide(plain(), null));
        assertThat(reply.at("/decision/provider_id").asText()).isEqualTo("p1");
    }

    @Test
    void delayHeaderDelaysTheReplyWithoutHoldingOtherRequests() throws Exception {
        RouterFixture.Sent delayed = f.send(plain(), fault(FaultHeaders.DELAY_MS, "2000"));
        Message other = f.decide(plain(), null);
        assertThat(json(other).get("ok").asBoolean()).isTrue();
        assertThat(delayed.reply(Duration.ZERO.plusMillis(1))).as("the delayed reply is still pending").isNull();
        Message late = delayed.reply(RouterFixture.WAIT);
        assertThat(late).isNotNull();
        assertThat(delayed.millisSinceSent()).isGreaterThanOrEqualTo(2000);
        assertThat(json(late).get("ok").asBoolean()).isTrue();
    }

    @Test
    void delayByPolicy() throws Exception {
        RouterFixture.Sent sent = f.send(body("d1", TENANT, "slow"), null);
        Message reply = sent.reply(RouterFixture.WAIT);
        assertThat(reply).isNotNull();
        assertThat(sent.millisSinceSent()).isGreaterThanOrEqualTo(400);
        assertThat(json(reply).at("/decision/provider_id").asText()).isEqualTo("p1");
    }

    @Test
    void lateReplyHeaderAnswersOnlyAfterTheCallersDeadline() throws Exception {
        RouterFixture.Sent sent = f.send(plain(), fault(FaultHeaders.LATE_REPLY_MS, "1500"));
        assertThat(sent.reply(Duration.ofMillis(500))).as("nothing within a 500 ms deadline").isNull();
        Message reply = sent.reply(RouterFixture.WAIT);
        assertThat(reply).as("the late reply").isNotNull();
        assertThat(sent.millisSinceSent()).isGreaterThanOrEqualTo(1500);
        assertThat(json(reply).get("ok").asBoolean()).isTrue();
    }

    @Test
    void lateReplyByPolicy() throws Exception {
        RouterFixture.Sent sent = f.send(body("l1", TENANT, "late"), null);
        assertThat(sent.reply(Duration.ofMillis(500))).isNull();
        assertThat(sent.reply(RouterFixture.WAIT)).isNotNull();
        assertThat(sent.millisSinceSent()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void noReplyHeaderSendsNothingAndTheRouterKeepsServing() throws Exception {
        RouterFixture.Sent sent = f.send(plain(), fault(FaultHeaders.NO_REPLY, "true"));
        assertThat(sent.reply(Duration.ofSeconds(1))).isNull();
        assertThat(json(f.decide(plain(), null)).get("ok").asBoolean()).isTrue();
        assertThat(sent.reply(Duration.ofMillis(200))).as("still nothing").isNull();
    }

    @Test
    void noReplyByPolicy() throws Exception {
        assertThat(f.send(body("s1", TENANT, "silent"), null).reply(Duration.ofSeconds(1))).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"invalid_request,400", "unauthorized,401", "validator_blocked,403", "policy_not_found,404",
            "extension_not_found,404", "rate_limit_exceeded,429", "decision_failed,500", "internal,500",
            "post_processor_failed,500", "extension_error,500", "extension_unavailable,503",
            "extension_timeout,504", "weird_new_code,500"})
    void errorHeaderForcesEachCodeInTheContractShape(String code, String status) throws Exception {
        String id = "e-" + code;
        Message reply = f.decide(body(id, TENANT, "plain"), fault(FaultHeaders.ERROR, code));
        JsonNode tree = json(reply);
        assertThat(tree.get("ok").asBoolean()).isFalse();
        assertThat(tree.at("/error/code").asText()).isEqualTo(code);
        assertThat(tree.at("/error/message").asText()).isEqualTo("Routing failed");
        assertThat(tree.at("/error/details/fault").asText()).isEqualTo("error");
        assertThat(tree.at("/error/details/context").asText()).isEqualTo("Injected fault: forced error " + code);
        assertThat(tree.at("/error/details/tenant_id").asText()).isEqualTo(TENANT);
        assertThat(tree.at("/error/details/policy_id").asText()).isEqualTo("plain");
        assertThat(tree.at("/context/request_id").asText()).isEqualTo(id);
        assertThat(reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo(status);
        assertThat(reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR))
                .isEqualTo(code + ": Routing failed");
    }

    @Test
    void errorHeaderTakesAMessageAndExtraDetails() throws Exception {
        Headers h = fault(FaultHeaders.ERROR, "rate_limit_exceeded")
                .put(FaultHeaders.ERROR_MESSAGE, "Rate limit exceeded")
                .put(FaultHeaders.ERROR_DETAILS, "{\"retry_after_ms\":2500}");
        JsonNode tree = json(f.decide(plain(), h));
        assertThat(tree.at("/error/message").asText()).isEqualTo("Rate limit exceeded");
        assertThat(tree.at("/error/details/retry_after_ms").asLong()).isEqualTo(2500);
        assertThat(tree.at("/error/details/fault").asText()).isEqualTo("error");
    }

    @Test
    void errorByPolicyWithDetails() throws Exception {
        Message reply = f.decide(body("b1", TENANT, "blocked"), null);
        JsonNode tree = json(reply);
        assertThat(tree.at("/error/code").asText()).isEqualTo("validator_blocked");
        assertThat(tree.at("/error/details/validator").asText()).isEqualTo("pii");
        assertThat(reply.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("403");
    }

    @Test
    void aHeaderOverridesThePolicysFault() throws Exception {
        JsonNode tree = json(f.decide(body("o1", TENANT, "blocked"), fault(FaultHeaders.ERROR, "unauthorized")));
        assertThat(tree.at("/error/code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void headerFaultsApplyToRequestsThatFailValidationToo() throws Exception {
        JsonNode tree = json(f.decide("{}", fault(FaultHeaders.ERROR, "extension_error")));
        assertThat(tree.at("/error/code").asText()).isEqualTo("extension_error");
        assertThat(tree.at("/error/details").has("tenant_id")).isFalse();
    }

    @Test
    void malformedHeaderRepliesWithBytesThatAreNotJson() throws Exception {
        Message reply = f.decide(plain(), fault(FaultHeaders.MALFORMED, "true"));
        assertThat(new String(reply.getData(), StandardCharsets.US_ASCII)).contains("not JSON");
        assertThatThrownBy(() -> json(reply)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void malformedByPolicy() throws Exception {
        Message reply = f.decide(body("m1", TENANT, "garbled"), null);
        assertThatThrownBy(() -> json(reply)).isInstanceOf(java.io.IOException.class);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"x-fault-delay-ms,soon", "x-fault-stream-skip-seq,0", "x-fault-stream-stall-after,-1"})
    void aFaultHeaderWithABadValueIsAnsweredAsAnInternalErrorNamingIt(String header, String value)
            throws Exception {
        JsonNode tree = json(f.decide(plain(), fault(header, value)));
        assertThat(tree.at("/error/code").asText()).isEqualTo("internal");
        assertThat(tree.at("/error/details/fault_field").asText()).isEqualTo(header);
        assertThat(tree.at("/error/details/reason").asText()).startsWith(header + ": must be an integer");
    }
}
