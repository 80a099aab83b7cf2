package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.SubmitPayload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecideRequestMapperTest {

    /** 2023-11-14T22:13:20Z */
    private static final long NOW_MS = 1_700_000_000_000L;
    /** router.timeout_ms 5000, router.max_timeout_ms 30000 */
    private static final RouterConfig CONFIG = new RouterConfig("beamline.router.v1.decide", Duration.ofMillis(5000),
            Duration.ofMillis(30_000), "default_tenant", Map.of(), "default", "beamline.router.v1.get_decision",
            "beamline.router.v1.cancel");
    private final DecideRequestMapper mapper =
            new DecideRequestMapper(CONFIG, Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC));

    private static int routerLength(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return DecideRequestMapper.routerLength(b, 0, b.length);
    }

    private static SubmitPayload json(String s) {
        return SubmitPayload.read(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The DecideRequest as the Router reads it. */
    private static JsonNode request(DecideCall call) {
        return Json.parseObject(call.body());
    }

    @Test
    void nativeSubmitBecomesADecideRequestWithEveryFieldKept() {
        DecideCall call = mapper.map(json("""
                {"task_type":"text.generate","payload":{"prompt":"Hello, world"},"tenant_id":"acme",
                 "policy_id":"premium","task_id":"req-0001","metadata":{"source":"ide"},
                 "constraints":{"max_latency_ms":2000},"deadline_ms":1500,"idempotency_key":"k-1"}"""));
        JsonNode r = request(call);
        assertThat(r.path("version").asText()).isEqualTo("1");
        assertThat(r.path("request_id").asText()).isEqualTo("req-0001");
        assertThat(r.path("tenant_id").asText()).isEqualTo("acme");
        assertThat(r.path("policy_id").asText()).isEqualTo("premium");
        assertThat(r.path("task").toString()).isEqualTo("{\"type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello, world\"}}");
        assertThat(r.path("metadata").toString()).isEqualTo("{\"source\":\"ide\",\"deadline\":1700000001500}");
        assertThat(r.path("constraints").toString()).isEqualTo("{\"max_latency_ms\":2000}");
        assertThat(r.path("idempotency_key").asText()).isEqualTo("k-1");
        assertThat(r.path("trace_id").asText()).matches("[0-9a-f]{32}").isEqualTo(call.traceId());
        assertThat(call.taskId()).isEqualTo("req-0001");
        assertThat(call.deadline()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void defaultsFillTenantPolicyAndAUuidV4TaskId() {
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello there\"}}"));
        assertThat(request(call).path("tenant_id").asText()).isEqualTo("default_tenant");
        assertThat(request(call).path("policy_id").asText()).isEqualTo("default");
        assertThat(call.taskId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(request(call).path("request_id").asText()).isEqualTo(call.taskId());
        assertThat(call.deadline()).as("router.timeout_ms").isEqualTo(Duration.ofMillis(5000));
        assertThat(request(call).path("metadata").toString()).isEqualTo("{\"deadline\":1700000005000}");
    }

    /** metadata.deadline: epoch ms when the gateway stops waiting = now + the deadline the gateway waits. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "                  | 5000  | 1700000005000",  // router.timeout_ms
            "\"deadline_ms\":1, | 1     | 1700000000001",
            "\"deadline_ms\":29999, | 29999 | 1700000029999",
            "\"deadline_ms\":30000, | 30000 | 1700000030000",
            "\"deadline_ms\":30001, | 30000 | 1700000030000",  // capped by router.max_timeout_ms
            "\"deadline_ms\":86400000, | 30000 | 1700000030000"})
    void theDeadlineTheGatewayWaitsIsTheOneTheRouterIsTold(String deadlineField, long waitMs, long deadlineEpochMs) {
        String field = deadlineField == null ? "" : deadlineField;
        for (String submit : new String[] {
                "{" + field + "\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"}}",
                "{" + field + "\"command\":\"task_submit\",\"task\":\"t\",\"file\":\"a.py\"}"}) {
            DecideCall call = mapper.map(json(submit));
            assertThat(call.deadline()).as(submit).isEqualTo(Duration.ofMillis(waitMs));
            assertThat(request(call).path("metadata").path("deadline").isIntegralNumber()).isTrue();
            assertThat(request(call).path("metadata").path("deadline").asLong()).as(submit).isEqualTo(deadlineEpochMs);
        }
    }

    @Test
    void aMetadataDeadlineTheClientSetIsKeptAndOtherMetadataFieldsStay() {
        SubmitPayload submit = json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"deadline_ms\":1500,"
                + "\"metadata\":{\"source\":\"ide\",\"deadline\":1699999999999,\"tags\":[\"a\"]}}");
        DecideCall call = mapper.map(submit);
        assertThat(request(call).path("metadata").toString())
                .isEqualTo("{\"source\":\"ide\",\"deadline\":1699999999999,\"tags\":[\"a\"]}");
        assertThat(call.deadline()).as("the gateway still waits its own deadline").isEqualTo(Duration.ofMillis(1500));

        SubmitPayload withNull = json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},"
                + "\"metadata\":{\"deadline\":null,\"source\":\"ide\"}}");
        assertThat(request(mapper.map(withNull)).path("metadata").toString())
                .as("null is not a deadline").isEqualTo("{\"deadline\":1700000005000,\"source\":\"ide\"}");
        assertThat(new String(withNull.bytes(), StandardCharsets.UTF_8)).as("the client's own payload is not changed")
                .contains("\"metadata\":{\"deadline\":null,\"source\":\"ide\"}");
    }

    @Test
    void theClientsObjectsAreCopiedByteForByteAndMetadataGetsTheDeadlineBeforeItsClosingBrace() {
        // large enough (64 bytes of text) to be copied without the exact size check, which re-encodes
        String payload = "{ \"prompt\" : \"caf\u00e9 \\u00e9 \\\" quoted, and a few more words\", \"n\": [1, 2.50, true, null] }";
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":" + payload
                + ",\"constraints\":{ \"max_cost\" : 1e3 },\"metadata\":{ \"source\": \"ide\"  }}"));
        String body = new String(call.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"payload\":" + payload)
                .contains("\"constraints\":{ \"max_cost\" : 1e3 }")
                .contains("\"metadata\":{ \"source\": \"ide\"  ,\"deadline\":1700000005000}");
        assertThat(request(call).path("metadata").path("source").asText()).isEqualTo("ide");

        DecideCall emptyMetadata = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},"
                + "\"metadata\":{ \n }}"));
        assertThat(request(emptyMetadata).path("metadata").toString()).isEqualTo("{\"deadline\":1700000005000}");
    }

    @Test
    void aPayloadSmallOnlyOnceWhitespaceAndEscapesAreGoneIsPaddedAsTheRouterMeasuresIt() {
        // 16 bytes as sent, 7 as the Router re-encodes it ({"A":1}): below its minimum of 10
        JsonNode spaced = request(mapper.map(json("{\"task_type\":\"t\",\"payload\":{ \"\\u0041\" :   1 }}")))
                .path("task").path("payload");
        assertThat(spaced.toString()).isEqualTo("{\"A\":1,\"_pad\":\"\"}");
        assertThat(routerLength("{ \"a b\" : 1 }")).as("whitespace inside a string counts, outside not").isEqualTo(9);
        assertThat(routerLength("{\"a\":true,\"b\":false}")).as("the e of true and false is no exponent").isEqualTo(20);
        assertThat(routerLength("{\"a\":-12}")).isEqualTo(9);
        assertThat(routerLength("{\"a\":2.5}")).as("a fraction is re-encoded: not told from the text").isEqualTo(-1);
        assertThat(routerLength("{\"a\":1e3}")).isEqualTo(-1);
        assertThat(routerLength("{\"\\u0041\":1}")).as("an escape is re-encoded").isEqualTo(-1);
        assertThat(routerLength("{\"a\":\"" + "\\u0041".repeat(20) + "\"}"))
                .as("enough text is enough, escapes or not").isEqualTo(DecideRequestMapper.PAD_CHECK_BYTES);
        JsonNode fraction = request(mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"a\":1.50}}"))).path("task").path("payload");
        assertThat(fraction.toString()).as("{\"a\":1.5} is 9 bytes as the Router writes it").isEqualTo("{\"a\":1.5,\"_pad\":\"\"}");
        JsonNode nested = request(mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"o\":{ }}}"))).path("task").path("payload");
        assertThat(nested.toString()).isEqualTo("{\"o\":{},\"_pad\":\"\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"command\":\"task_submit\",\"task_type\":\"code_completion\",\"file\":\"/p/a.py\",\"line\":42,\"context\":\"def f():\",\"params\":{\"n\":1}}",
            "{\"task\":\"code_completion\",\"file\":\"/p/a.py\",\"line\":42,\"context\":\"def f():\",\"params\":{\"n\":1}}"})
    void legacyEditorFieldsBecomeTheTaskPayload(String submit) {
        DecideCall call = mapper.map(json(submit));
        JsonNode task = request(call).path("task");
        assertThat(task.path("type").asText()).isEqualTo("code_completion");
        assertThat(task.path("payload").toString())
                .isEqualTo("{\"file\":\"/p/a.py\",\"line\":42,\"context\":\"def f():\",\"params\":{\"n\":1}}");
    }

    @Test
    void aPayloadBelowTheRoutersTenByteMinimumIsPaddedNotRejected() {
        JsonNode empty = request(mapper.map(json("{\"task_type\":\"t\",\"payload\":{}}"))).path("task").path("payload");
        assertThat(empty.toString()).isEqualTo("{\"_pad\":\"\"}");
        assertThat(Json.write(empty).length).isGreaterThanOrEqualTo(DecideRequestMapper.ROUTER_MIN_PAYLOAD_BYTES);
        JsonNode small = request(mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"a\":1}}"))).path("task").path("payload");
        assertThat(small.toString()).isEqualTo("{\"a\":1,\"_pad\":\"\"}");
        JsonNode bigEnough = request(mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"ab\":\"1\"}}"))).path("task").path("payload");
        assertThat(bigEnough.toString()).as("10 bytes exactly").isEqualTo("{\"ab\":\"1\"}");
        JsonNode legacyNothing = request(mapper.map(json("{\"task\":\"t\"}"))).path("task").path("payload");
        assertThat(legacyNothing.toString()).isEqualTo("{\"_pad\":\"\"}");
    }

    @Test
    void theClientsTraceparentGivesTheTraceIdAndANewChildSpan() {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"traceparent\":\"" + parent + "\"}"));
        assertThat(call.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(request(call).path("trace_id").asText()).isEqualTo(call.traceId());
        String tp = call.headers().get("traceparent");
        assertThat(tp).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01").isNotEqualTo(parent);
    }

    /** The Router's consumer expects span_id beside traceparent: the gateway's own span, not the client's. */
    @Test
    void theSpanIdHeaderIsTheGatewaysSpanOfTheTraceparentSent() {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        DecideCall child = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"traceparent\":\"" + parent + "\"}"));
        String[] sent = child.headers().get("traceparent").split("-");
        assertThat(child.headers().get("span_id")).matches("[0-9a-f]{16}").isEqualTo(sent[2])
                .isNotEqualTo("00f067aa0ba902b7");

        DecideCall fresh = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"}}"));
        assertThat(fresh.headers().get("span_id")).matches("[0-9a-f]{16}")
                .isEqualTo(fresh.headers().get("traceparent").split("-")[2]);
    }

    /** Tracing on: the task's trace is the server span's (even without a client traceparent). */
    @Test
    void tracedTheServerSpansContextIsTheTasksTrace() {
        String server = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"traceparent\":"
                + "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}"), "acme", server);
        assertThat(call.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(request(call).path("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(call.headers()).containsEntry("traceparent", server).containsEntry("span_id", "b7ad6b7169203331")
                .containsEntry("trace_id", "0af7651916cd43dd8448eb211c80319c");
    }

    /** Tracing on: the Router is sent the Router call's client span; nothing else of the request changes. */
    @Test
    void sentUnderAnotherSpanOnlyTheTraceHeadersChange() {
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"task_id\":\"id-1\"}"),
                "acme", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        DecideCall sent = call.sentUnder("00-0af7651916cd43dd8448eb211c80319c-53995c3f42cd8ad8-01");
        assertThat(sent.headers()).isEqualTo(Map.of("trace_id", "0af7651916cd43dd8448eb211c80319c",
                "tenant_id", "acme", "version", "1",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-53995c3f42cd8ad8-01",
                "span_id", "53995c3f42cd8ad8", "request_id", "id-1"));
        assertThat(sent.body()).isSameAs(call.body());
        assertThat(sent.traceId()).isEqualTo(call.traceId());
        assertThat(sent.deadline()).isEqualTo(call.deadline());
        assertThat(call.sentUnder("not a traceparent")).isSameAs(call);
    }

    @Test
    void everyRequestCarriesTheContractHeaders() {
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"tenant_id\":\"acme\",\"task_id\":\"id-1\"}"));
        assertThat(call.headers()).containsOnlyKeys("trace_id", "tenant_id", "version", "traceparent", "span_id", "request_id")
                .containsEntry("trace_id", call.traceId()).containsEntry("tenant_id", "acme")
                .containsEntry("version", "1").containsEntry("request_id", "id-1");
        assertThat(call.headers().get("traceparent")).startsWith("00-" + call.traceId() + "-");
    }

    @Test
    void anInvalidTraceparentStartsANewTrace() {
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hello\"},\"traceparent\":\"tr-123\"}"));
        assertThat(call.traceId()).matches("[0-9a-f]{32}");
        assertThat(TraceContext.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceContext.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"payload\":{\"a\":1}}                                   | task_type",
            "{\"task_type\":\"\",\"payload\":{}}                       | task_type",
            "{\"task_type\":7,\"payload\":{}}                          | task_type",
            "{\"task_type\":\"t\",\"payload\":[1]}                     | payload",
            "{\"task_type\":\"t\",\"payload\":{},\"tenant_id\":5}       | tenant_id",
            "{\"task_type\":\"t\",\"payload\":{},\"metadata\":\"x\"}    | metadata",
            "{\"task_type\":\"t\",\"payload\":{},\"constraints\":1}     | constraints",
            "{\"task_type\":\"t\",\"payload\":{},\"deadline_ms\":0}     | deadline_ms",
            "{\"task_type\":\"t\",\"payload\":{},\"deadline_ms\":\"5\"} | deadline_ms",
            "{\"task_type\":\"t\",\"payload\":{},\"stream\":\"yes\"}    | stream",
            "{\"task_type\":\"a\",\"task\":\"b\"}                      | task_type"})
    void badFieldsAreInvalidPayloadNamingTheField(String submit, String field) {
        assertThatThrownBy(() -> mapper.map(json(submit)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
                    assertThat(e.getMessage()).contains(field);
                });
    }

    @Test
    void tooLongIdsAreRefused() {
        String longId = "x".repeat(129);
        assertThatThrownBy(() -> mapper.map(json("{\"task_type\":\"t\",\"payload\":{},\"task_id\":\"" + longId + "\"}")))
                .hasMessageContaining("task_id").hasMessageContaining("128");
        String longKey = "k".repeat(257);
        assertThatThrownBy(() -> mapper.map(json("{\"task_type\":\"t\",\"payload\":{},\"idempotency_key\":\"" + longKey + "\"}")))
                .hasMessageContaining("idempotency_key");
    }

    @Test
    void aStreamingSubmitAsksTheRouterToStreamOnItsTasksSubject() {
        DecideCall call = mapper.map(json("{\"task_type\":\"t\",\"payload\":{},\"task_id\":\"t-9\",\"stream\":true}"));
        assertThat(call.stream()).isTrue();
        assertThat(request(call).path("task").path("stream").asBoolean()).isTrue();
        assertThat(call.streamSubject("beamline.router.v1.stream")).isEqualTo("beamline.router.v1.stream.t-9");
        DecideCall plain = mapper.map(json("{\"task_type\":\"t\",\"payload\":{}}"));
        assertThat(plain.stream()).isFalse();
        assertThat(request(plain).path("task").has("stream")).as("only the literal true streams").isFalse();
        assertThatThrownBy(() -> mapper.map(json("{\"task_type\":\"t\",\"payload\":{},\"stream\":\"yes\"}")))
                .hasMessageContaining("stream");
    }
}
