package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.SubmitPayload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Found by SubmitMappingFuzzTest: a payload that fits the nesting limit in the submit lies deeper in the
 * DecideRequest, where the Router (and the gateway's own reader) refuse it. The mapper refuses it first.
 * Regression input: SubmitMappingFuzzTestInputs/maps/deep_payload.
 */
class DecideRequestNestingTest {

    private static final RouterConfig CONFIG = new RouterConfig("beamline.router.v1.decide", Duration.ofMillis(5000),
            Duration.ofMillis(30_000), "default_tenant", Map.of(), "default", "beamline.router.v1.get_decision",
            "beamline.router.v1.cancel");
    private final DecideRequestMapper mapper = new DecideRequestMapper(CONFIG, Clock.systemUTC());

    @Test
    void aNativePayloadOf62LevelsFitsTheRequestAnd63DoNot() {
        DecideCall call = mapper.map(submit("{\"task_type\":\"t\",\"payload\":{\"a\":" + "[".repeat(61)
                + "]".repeat(61) + "}}"));
        assertThat(Json.parseObject(call.body()).at("/task/payload/a").isArray()).isTrue();

        assertTooDeep("{\"task_type\":\"t\",\"payload\":{\"a\":" + "[".repeat(62) + "]".repeat(62) + "}}",
                "payload exceeds a JSON limit: payload nests 63 levels; in the Router's DecideRequest "
                        + "(as task.payload) at most 62 fit the limit of 64");
    }

    @Test
    void aLegacyFieldOf61LevelsFitsTheRequestAnd62DoNot() {
        DecideCall call = mapper.map(submit("{\"command\":\"task_submit\",\"task\":\"t\",\"params\":"
                + "[".repeat(61) + "]".repeat(61) + "}"));
        assertThat(Json.parseObject(call.body()).at("/task/payload/params").isArray()).isTrue();

        assertTooDeep("{\"command\":\"task_submit\",\"task\":\"t\",\"params\":" + "[".repeat(62) + "]".repeat(62) + "}",
                "payload exceeds a JSON limit: params nests 62 levels; in the Router's DecideRequest "
                        + "(as a member of task.payload) at most 61 fit the limit of 64");
    }

    @Test
    void metadataAndConstraintsKeepTheirDepth() {
        DecideCall call = mapper.map(submit("{\"task_type\":\"t\",\"payload\":{\"p\":1},\"metadata\":{\"a\":"
                + "[".repeat(62) + "]".repeat(62) + "}}"));
        assertThat(Json.parseObject(call.body()).at("/metadata/a").isArray()).isTrue();
    }

    private void assertTooDeep(String json, String message) {
        assertThatThrownBy(() -> mapper.map(submit(json))).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            assertThat(e.reason()).isEqualTo("json_too_deep");
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static SubmitPayload submit(String json) {
        return SubmitPayload.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
