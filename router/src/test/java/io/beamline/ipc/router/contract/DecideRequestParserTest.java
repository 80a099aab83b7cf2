package io.beamline.ipc.router.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation rule of the contract's DecideRequest table, with its exact code and message. */
class DecideRequestParserTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String UUID4 = "3f2b8c1e-7a4d-4e9b-8c2a-1d5e6f7a8b9c";
    private static final String ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    private static final String TASK = "\"task\":{\"type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello\"}}";

    private final DecideRequestParser parser = new DecideRequestParser();

    private static String req(String extra) {
        return "{\"request_id\":\"r1\",\"tenant_id\":\"t1\"," + TASK + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static Stream<Arguments> correlationFailures() {
        return Stream.of(
                Arguments.of("{\"request_id\":\"r1\"," + TASK + "}", "missing_tenant_id"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"\"," + TASK + "}", "empty_tenant_id"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":7," + TASK + "}", "invalid_tenant_id_format"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"" + "t".repeat(129) + "\"," + TASK + "}",
                        "tenant_id_too_long"),
                Arguments.of("{\"tenant_id\":\"t1\"," + TASK + "}", "missing_request_id"),
                Arguments.of("{\"request_id\":\"\",\"tenant_id\":\"t1\"," + TASK + "}", "empty_request_id"),
                Arguments.of("{\"request_id\":5,\"tenant_id\":\"t1\"," + TASK + "}", "invalid_request_id_format"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\"}", "missing_task"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":\"x\"}", "invalid_task_format"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"payload_ref\":\"s3://b/k\"}}",
                        "missing_task_type"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"type\":\"\",\"payload_ref\":\"x\"}}",
                        "empty_task_type"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"type\":1,\"payload_ref\":\"x\"}}",
                        "invalid_task_type"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"type\":\"a\"}}",
                        "missing_task_payload"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"type\":\"a\",\"payload\":\"text\"}}",
                        "invalid_payload_format"),
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"type\":\"a\",\"payload_ref\":3}}",
                        "invalid_payload_format"),
                // {"a":"b"} encodes to 9 bytes: one below the contract's minimum of 10.
                Arguments.of("{\"request_id\":\"r1\",\"tenant_id\":\"t1\",\"task\":{\"type\":\"a\",\"payload\":{\"a\":\"b\"}}}",
                        "payload_too_small"),
                Arguments.of(req("\"trace_id\":\"tr-123\""), "invalid_trace_id_format"),
                Arguments.of(req("\"trace_id\":\"" + TRACE + "0\""), "invalid_trace_id_format"),
                Arguments.of(req("\"trace_id\":\"3f2b8c1e-7a4d-1e9b-8c2a-1d5e6f7a8b9c\""), "invalid_trace_id_format"),
                Arguments.of(req("\"run_id\":\"" + UUID4 + "\""), "flow_id_required_when_run_id_present"),
                Arguments.of(req("\"run_id\":\"" + UUID4 + "\",\"flow_id\":\"" + UUID4 + "\""),
                        "step_id_required_when_run_id_present"),
                Arguments.of(req("\"flow_id\":\"" + UUID4 + "\""), "run_id_required_when_flow_id_present"),
                Arguments.of(req("\"step_id\":\"" + UUID4 + "\""), "run_id_required_when_step_id_present"),
                Arguments.of(req("\"run_id\":\"run-1\",\"flow_id\":\"" + UUID4 + "\",\"step_id\":\"" + ULID + "\""),
                        "invalid_run_id_format"),
                Arguments.of(req("\"run_id\":\"" + UUID4 + "\",\"flow_id\":\"f\",\"step_id\":\"" + ULID + "\""),
                        "invalid_flow_id_format"),
                Arguments.of(req("\"run_id\":\"" + UUID4 + "\",\"flow_id\":\"" + ULID + "\",\"step_id\":\"s\""),
                        "invalid_step_id_format"),
                Arguments.of(req("\"idempotency_key\":\"\""), "empty_idempotency_key"),
                Arguments.of(req("\"idempotency_key\":12"), "invalid_idempotency_key_format"),
                Arguments.of(req("\"idempotency_key\":\"" + "k".repeat(257) + "\""), "idempotency_key_too_long"),
                // 129 two-byte characters: 258 bytes although only 129 chars.
                Arguments.of(req("\"idempotency_key\":\"" + "é".repeat(129) + "\""), "idempotency_key_too_long"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("correlationFailures")
    void eachCorrelationRuleHasItsReason(String body, String reason) {
        ContractError e = invalid(body).error();
        assertThat(e.code()).isEqualTo("invalid_request");
        assertThat(e.intakeErrorCode()).isEqualTo(IntakeErrorCode.CORRELATION_FIELDS_INVALID);
        assertThat(e.message()).isEqualTo("Correlation fields validation failed: " + reason);
        assertThat(e.details()).isNull();
        assertThat(e.serviceStatus()).isEqualTo(400);
    }

    static Stream<Arguments> schemaFailures() {
        return Stream.of(
                Arguments.of(new byte[0], "empty_payload"),
                Arguments.of(bytes("not json"), "invalid_format"),
                Arguments.of(bytes("[1,2]"), "invalid_format"),
                Arguments.of(bytes("\"text\""), "invalid_format"),
                Arguments.of(bytes("{\"a\":1,\"a\":2}"), "invalid_format"),
                Arguments.of(bytes("{\"a\":NaN}"), "invalid_format"),
                Arguments.of(bytes(req("") + "trailing"), "invalid_format"),
                Arguments.of(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        "invalid_encoding"),
                Arguments.of(bytes("{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}"), "nesting_too_deep"),
                Arguments.of(bytes(req("\"metadata\":{\"pad\":\"" + "x".repeat(DecideRequestParser.MAX_BODY_BYTES)
                        + "\"}")), "payload_too_large"),
                Arguments.of(bytes("{\"n\":" + "9".repeat(1_001) + "}"), "limits_exceeded"),
                // Found by DecideRequestParserFuzzTest (input exponent_beyond_int): no BigDecimal holds these.
                Arguments.of(bytes("{\"n\":44e444444444444444444444444444444}"), "limits_exceeded"),
                Arguments.of(bytes(req("\"constraints\":{\"k\":4e4444444444}")), "limits_exceeded"),
                Arguments.of(bytes(req("\"constraints\":[1]")), "invalid_constraints_format"),
                Arguments.of(bytes(req("\"metadata\":\"m\"")), "invalid_metadata_format"),
                Arguments.of(bytes(req("\"policy_id\":\"\"")), "invalid_policy_id"),
                Arguments.of(bytes(req("\"constraints\":{\"deadline\":\"soon\"}")), "invalid_deadline"),
                Arguments.of(bytes(req("\"constraints\":{\"deadline\":1e999}")), "invalid_deadline"),
                Arguments.of(bytes(req("\"constraints\":{\"deadline\":" + "9".repeat(40) + "}")), "invalid_deadline"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("schemaFailures")
    void unreadableBodiesAreSchemaValidationFailures(byte[] body, String reason) {
        ParseOutcome.Invalid out = (ParseOutcome.Invalid) parser.parse(body, RequestHeaders.NONE);
        assertThat(out.error().code()).isEqualTo("invalid_request");
        assertThat(out.error().intakeErrorCode()).isEqualTo(IntakeErrorCode.SCHEMA_VALIDATION_FAILED);
        assertThat(out.error().message()).isEqualTo("Schema validation failed: " + reason);
    }

    @Test
    void aBodyOfExactlyTheCapIsReadAndOneByteMoreIsNot() {
        String prefix = "{\"request_id\":\"r1\",\"tenant_id\":\"t1\"," + TASK + ",\"metadata\":{\"pad\":\"";
        String suffix = "\"}}";
        String exact = prefix + "x".repeat(DecideRequestParser.MAX_BODY_BYTES - prefix.length() - suffix.length())
                + suffix;
        assertThat(exact.length()).isEqualTo(DecideRequestParser.MAX_BODY_BYTES);
        assertThat(parser.parse(bytes(exact), RequestHeaders.NONE)).isInstanceOf(ParseOutcome.Valid.class);
        ParseOutcome over = parser.parse(bytes(exact.replace("\"pad\":\"", "\"pad\":\"x")), RequestHeaders.NONE);
        assertThat(((ParseOutcome.Invalid) over).error().message()).endsWith("payload_too_large");
    }

    @Test
    void versionOtherThanOneIsUnsupportedAndANumberIsAnInternalValidationError() {
        ContractError two = invalid(req("\"version\":\"2\"")).error();
        assertThat(two.code()).isEqualTo("invalid_request");
        assertThat(two.intakeErrorCode()).isEqualTo(IntakeErrorCode.VERSION_UNSUPPORTED);
        assertThat(two.message()).isEqualTo("Unsupported schema version: 2, supported versions: [1]");

        ContractError number = invalid(req("\"version\":1")).error();
        assertThat(number.code()).isEqualTo("internal");
        assertThat(number.intakeErrorCode()).isEqualTo(IntakeErrorCode.INTERNAL_VALIDATION_ERROR);

        assertThat(parser.parse(bytes(req("\"version\":\"1\"")), RequestHeaders.NONE))
                .isInstanceOf(ParseOutcome.Valid.class);
        assertThat(parser.parse(bytes(req("")), RequestHeaders.NONE)).isInstanceOf(ParseOutcome.Valid.class);
    }

    @Test
    void versionIsCheckedBeforeCorrelationFieldsAndTenantBeforeTask() {
        assertThat(invalid("{\"version\":\"2\"}").error().intakeErrorCode())
                .isEqualTo(IntakeErrorCode.VERSION_UNSUPPORTED);
        assertThat(invalid("{\"request_id\":\"r\"}").error().message()).endsWith("missing_tenant_id");
    }

    @Test
    void acceptedIdsAndTraceFormats() {
        String ok = req("\"trace_id\":\"" + UUID4 + "\",\"run_id\":\"" + ULID + "\",\"flow_id\":\"" + UUID4
                + "\",\"step_id\":\"" + ULID + "\",\"idempotency_key\":\"" + "k".repeat(256) + "\"");
        DecideRequest r = valid(ok, RequestHeaders.NONE);
        assertThat(r.traceId()).isEqualTo(UUID4);
        assertThat(r.idempotencyKey()).hasSize(256);
        assertThat(valid(req("\"trace_id\":\"" + TRACE.toUpperCase() + "\""), RequestHeaders.NONE).traceId())
                .isEqualTo(TRACE.toUpperCase());
        assertThat(valid(req("\"trace_id\":null"), RequestHeaders.NONE).traceId()).isNull();
    }

    @Test
    void errorContextEchoesTheRealRequestIdAndAValidTraceId() {
        ParseOutcome.Invalid out = invalid("{\"request_id\":\"req-9\",\"trace_id\":\"" + TRACE + "\",\"tenant_id\":\"t\"}");
        assertThat(out.context()).isEqualTo(new ReplyContext("req-9", TRACE));
        assertThat(invalid("{\"tenant_id\":\"t\"}").context()).isEqualTo(new ReplyContext("undefined", null));
        assertThat(invalid(req("\"trace_id\":\"tr-123\"")).context()).isEqualTo(new ReplyContext("r1", null));
    }

    @Test
    void headersFillMissingFieldsAndTheBodyWinsWhenBothArePresent() {
        String noTenantNoTrace = "{\"request_id\":\"r1\"," + TASK + "}";
        DecideRequest fromHeaders = valid(noTenantNoTrace, new RequestHeaders(TRACE, "hdr-tenant", "1", "00-x"));
        assertThat(fromHeaders.tenantId()).isEqualTo("hdr-tenant");
        assertThat(fromHeaders.traceId()).isEqualTo(TRACE);
        assertThat(fromHeaders.routingContext().get("traceparent").asText()).isEqualTo("00-x");

        DecideRequest bodyWins = valid(req("\"version\":\"1\",\"trace_id\":\"" + UUID4
                        + "\",\"metadata\":{\"traceparent\":\"00-b\"}"),
                new RequestHeaders(TRACE, "hdr-tenant", "2", "00-h"));
        assertThat(bodyWins.tenantId()).isEqualTo("t1");
        assertThat(bodyWins.traceId()).isEqualTo(UUID4);
        assertThat(bodyWins.routingContext().get("traceparent").asText()).isEqualTo("00-b");

        // The header's version applies when the body has none, and a bad one is refused like a body's.
        assertThat(invalid(noTenantNoTrace.replace("{", "{\"tenant_id\":\"t\","),
                new RequestHeaders(null, null, "2", null)).error().intakeErrorCode())
                .isEqualTo(IntakeErrorCode.VERSION_UNSUPPORTED);
        assertThat(invalid(noTenantNoTrace, new RequestHeaders("tr-1", "t", null, null)).error().message())
                .endsWith("invalid_trace_id_format");
    }

    @Test
    void constraintsAndMetadataMergeWithMetadataWinningAndTheDeadlineIsRead() {
        DecideRequest r = valid(req("\"policy_id\":\"premium\",\"constraints\":{\"a\":1,\"deadline\":1700000000000},"
                + "\"metadata\":{\"a\":2,\"user_id\":\"u\"}"), RequestHeaders.NONE);
        assertThat(r.policyId()).isEqualTo("premium");
        assertThat(r.routingContext().get("a").asInt()).isEqualTo(2);
        assertThat(r.routingContext().get("user_id").asText()).isEqualTo("u");
        assertThat(r.deadlineMs()).isEqualTo(1_700_000_000_000L);
        assertThat(valid(req(""), RequestHeaders.NONE).policyId()).isEqualTo("default");
    }

    @Test
    void numbersInTheRoutingContextKeepTheirValueAndForm() {
        DecideRequest r = valid(req("\"metadata\":{\"huge\":1e999999,\"f\":1.0,\"big\":" + "9".repeat(40) + "}"),
                RequestHeaders.NONE);
        assertThat(r.routingContext().toString()).isEqualTo("{\"huge\":1E+999999,\"f\":1.0,\"big\":"
                + "9".repeat(40) + "}");
    }

    private ParseOutcome.Invalid invalid(String body) {
        return invalid(body, RequestHeaders.NONE);
    }

    private ParseOutcome.Invalid invalid(String body, RequestHeaders headers) {
        ParseOutcome out = parser.parse(bytes(body), headers);
        assertThat(out).as(body).isInstanceOf(ParseOutcome.Invalid.class);
        return (ParseOutcome.Invalid) out;
    }

    private DecideRequest valid(String body, RequestHeaders headers) {
        ParseOutcome out = parser.parse(bytes(body), headers);
        assertThat(out).as(body).isInstanceOf(ParseOutcome.Valid.class);
        return ((ParseOutcome.Valid) out).request();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
