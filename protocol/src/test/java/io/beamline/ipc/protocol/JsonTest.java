package io.beamline.ipc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesAnObject() {
        assertThat(Json.parseObject("{\"a\":[1,{\"b\":\"é\"}]}".getBytes(StandardCharsets.UTF_8))
                .at("/a/1/b").asText()).isEqualTo("é");
    }

    @Test
    void rejectsWhatIsNotExactlyOneObject() {
        for (String bad : new String[] {"", "[]", "1", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "{'a':1}", "{\"a\":NaN}"}) {
            assertThatThrownBy(() -> Json.parseObject(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        }
    }

    /** C clients that count the string's terminator send it: exactly one trailing NUL is not part of the JSON. */
    @Test
    void oneTrailingNulIsIgnored() {
        assertThat(Json.parseObject(bytes("{\"a\":1}\0")).toString()).isEqualTo("{\"a\":1}");
        assertThat(Json.parseObject(bytes("{\"a\":\"é\"}\0")).path("a").asText()).isEqualTo("é");
    }

    /**
     * Found by RouterReplyFuzzTest (regression input RouterReplyFuzzTestInputs/parses/ucs4_guess): Jackson guesses
     * UTF-16/UTF-32 from NUL bytes at the start; such bytes are refused as invalid JSON, never parsed as another
     * encoding, and never make the parser factory throw.
     */
    @Test
    void payloadsJacksonWouldTakeForUtf16OrUtf32AreInvalidNotDecodedAsSuch() {
        byte[] utf16be = {0, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '1', 0, '}'};
        byte[] utf16le = {'{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '1', 0, '}', 0, 0};
        byte[] ucs4Unusual = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        for (byte[] bad : new byte[][] {utf16be, utf16le, ucs4Unusual}) {
            for (Runnable read : new Runnable[] {() -> Json.parseObject(bad), () -> Json.parser(bad),
                    () -> SubmitPayload.read(bad)}) {
                assertThatThrownBy(read::run).isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
            }
        }
        assertThatThrownBy(() -> Json.parseObject(ucs4Unusual))
                .hasMessage("payload is not valid JSON: a NUL byte at offset 0");
    }

    @Test
    void anyOtherNulOrControlByteIsStillInvalid() {
        for (String bad : new String[] {"{\"a\":1}\0\0", "\0{\"a\":1}", "{\"a\":\0 1}", "{\"a\":\"x\0y\"}",
                "{\"a\":\"é\"}\0\0", "\0", "\0\0", "{\"a\":1}\u0001", "{\"a\":1}\u001f", "{\"a\":1}\u0001\0"}) {
            assertThatThrownBy(() -> Json.parseObject(bytes(bad)))
                    .as(bad.replace("\0", "<NUL>")).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void boundsNesting() {
        String ok = "{\"a\":" + "[".repeat(Json.MAX_NESTING_DEPTH - 2) + "]".repeat(Json.MAX_NESTING_DEPTH - 2) + "}";
        Json.parseObject(ok.getBytes(StandardCharsets.UTF_8));
        String deep = "{\"a\":" + "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1) + "}";
        assertThatThrownBy(() -> Json.parseObject(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void errorResponsesUseSnakeCaseAndOmitAbsentFields() {
        String json = new String(Json.write(ErrorResponse.of(ErrorBody.of(ErrorCode.RATE_LIMITED, "slow down")
                .withRetryAfterMs(250))), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"ok\":false,\"error\":{\"code\":9,\"status\":429,\"reason\":\"rate_limited\","
                + "\"message\":\"slow down\",\"retryable\":true,\"retry_after_ms\":250}}");
    }
}
