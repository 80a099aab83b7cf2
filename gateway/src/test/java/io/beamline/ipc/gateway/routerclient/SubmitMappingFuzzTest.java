package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.SubmitPayload;
import io.beamline.ipc.testkit.Allocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A TASK_SUBMIT payload of any bytes, read ({@link SubmitPayload}) and mapped to a DecideRequest
 * ({@link DecideRequestMapper}): the only failure is a {@link ProtocolException} with INVALID_PAYLOAD; a mapped
 * request is one JSON object the gateway itself reads back under the same limits, naming the task it was
 * mapped for; and the work allocates in proportion to the payload. Seeds: {@code SubmitMappingFuzzTestInputs/maps/}.
 */
class SubmitMappingFuzzTest {

    private static final RouterConfig CONFIG = new RouterConfig("beamline.router.v1.decide", Duration.ofMillis(5000),
            Duration.ofMillis(30_000), "default_tenant", Map.of(), "default", "beamline.router.v1.get_decision",
            "beamline.router.v1.cancel");
    private static final DecideRequestMapper MAPPER =
            new DecideRequestMapper(CONFIG, Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

    @FuzzTest
    void maps(byte[] submit) {
        DecideCall call;
        try {
            call = MAPPER.map(SubmitPayload.read(submit));
        } catch (ProtocolException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        JsonNode request = Json.parseObject(call.body());
        assertThat(request.path("version").asText()).isEqualTo("1");
        assertThat(request.path("request_id").asText()).isEqualTo(call.taskId());
        assertThat(request.path("task").path("type").isTextual()).isTrue();
        assertThat(request.path("task").path("payload").isObject()).isTrue();
        assertThat(request.path("metadata").has("deadline")).as("a deadline always").isTrue();
        assertThat(request.path("metadata").get("deadline").isNull()).isFalse();

        // The payload is copied once into the request (and a few ids, headers and the field list besides).
        long allocated = Allocations.ofSecondRun(() -> MAPPER.map(SubmitPayload.read(submit)));
        assertThat(allocated).as("bytes allocated mapping %d bytes", submit.length)
                .isLessThan(8L * submit.length + 65_536 + Allocations.fuzzerOverhead());
    }
}
