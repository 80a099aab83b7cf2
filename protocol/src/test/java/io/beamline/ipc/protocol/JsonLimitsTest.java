package io.beamline.ipc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each JSON limit, just under and just over, through both readers: the tree ({@link Json#parseObject}) and the
 * streaming submit read ({@link SubmitPayload#read}). Over a limit: INVALID_PAYLOAD, the limit's own reason,
 * and a message naming the limit.
 */
class JsonLimitsTest {

    /** Both readers, for the limits both check. */
    private static final Consumer<byte[]> TREE = Json::parseObject;
    private static final Consumer<byte[]> SUBMIT = SubmitPayload::read;

    @Test
    void nestingDeeperThan64IsRefusedWithJsonTooDeep() {
        // The root object is level 1: 63 arrays inside it make 64 levels, 64 arrays make 65.
        String deepest = "{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}";
        String tooDeep = "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}";
        for (Consumer<byte[]> reader : new Consumer[] {TREE, SUBMIT}) {
            assertThatCode(() -> reader.accept(bytes(deepest))).doesNotThrowAnyException();
            assertRefused(reader, tooDeep, "json_too_deep",
                    "payload exceeds a JSON limit: JSON nested deeper than the limit of 64 levels");
        }
        String deepObjects = "{\"a\":" + "{\"b\":".repeat(64) + "1" + "}".repeat(64) + "}";
        assertRefused(SUBMIT, deepObjects, "json_too_deep",
                "payload exceeds a JSON limit: JSON nested deeper than the limit of 64 levels");
    }

    @Test
    void aStringLongerThan4MiBCharactersIsRefusedWithJsonStringTooLong() {
        String longest = "{\"prompt\":\"" + "x".repeat(4_194_304) + "\"}";
        String tooLong = "{\"prompt\":\"" + "x".repeat(4_194_305) + "\"}";
        for (Consumer<byte[]> reader : new Consumer[] {TREE, SUBMIT}) {
            assertThatCode(() -> reader.accept(bytes(longest))).doesNotThrowAnyException();
            assertThatThrownBy(() -> reader.accept(bytes(tooLong))).isInstanceOfSatisfying(ProtocolException.class,
                    e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
                        assertThat(e.reason()).isEqualTo("json_string_too_long");
                        assertThat(e.getMessage()).startsWith("payload exceeds a JSON limit: a JSON string of ")
                                .endsWith(" characters or more is longer than the limit of 4194304");
                    });
        }
    }

    @Test
    void aNumberOfMoreThan1000DigitsIsRefusedWithJsonNumberTooLong() {
        String message = "payload exceeds a JSON limit: a JSON number of 1001 digits is longer than the limit of 1000";
        for (Consumer<byte[]> reader : new Consumer[] {TREE, SUBMIT}) {
            assertThatCode(() -> reader.accept(bytes("{\"n\":-" + "7".repeat(1000) + "}"))).doesNotThrowAnyException();
            assertRefused(reader, "{\"n\":" + "7".repeat(1001) + "}", "json_number_too_long", message);
            // Integer and fraction digits count; the sign and the point do not.
            assertThatCode(() -> reader.accept(bytes("{\"n\":-0." + "5".repeat(999) + "}"))).doesNotThrowAnyException();
            assertRefused(reader, "{\"n\":0." + "5".repeat(1000) + "}", "json_number_too_long", message);
        }
        // Inside an object the submit read skips (copied to the Router unread): checked all the same.
        assertRefused(SUBMIT, "{\"payload\":{\"n\":[" + "7".repeat(1001) + "]}}", "json_number_too_long", message);
    }

    @Test
    void aMemberNameLongerThan4096CharactersIsRefusedWithJsonNameTooLong() {
        for (Consumer<byte[]> reader : new Consumer[] {TREE, SUBMIT}) {
            assertThatCode(() -> reader.accept(bytes("{\"" + "k".repeat(4096) + "\":1}"))).doesNotThrowAnyException();
            assertThatThrownBy(() -> reader.accept(bytes("{\"" + "n".repeat(4097) + "\":1}")))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
                        assertThat(e.reason()).isEqualTo("json_name_too_long");
                        assertThat(e.getMessage()).startsWith("payload exceeds a JSON limit: a JSON member name of ")
                                .endsWith(" characters or more is longer than the limit of 4096");
                    });
        }
        assertThatThrownBy(() -> SUBMIT.accept(bytes("{\"payload\":{\"" + "m".repeat(4097) + "\":1}}")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo("json_name_too_long"));
    }

    @Test
    void aSubmitObjectWithMoreThan10000MembersIsRefusedWithJsonTooManyMembers() {
        String message = "payload exceeds a JSON limit: an object with more than 10000 members";
        assertThatCode(() -> SubmitPayload.read(bytes(members("", 10_000, "")))).doesNotThrowAnyException();
        assertRefused(SUBMIT, members("", 10_001, ""), "json_too_many_members", message);
        assertThatCode(() -> SubmitPayload.read(bytes(members("{\"payload\":{\"a\":[", 10_000, "]}}"))))
                .doesNotThrowAnyException();
        assertRefused(SUBMIT, members("{\"payload\":{\"a\":[", 10_001, "]}}"), "json_too_many_members", message);
    }

    @Test
    void otherBadJsonKeepsTheCodesOwnReason() {
        assertThatThrownBy(() -> Json.parseObject(bytes("{\"a\":1,\"a\":2}")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid_payload"));
    }

    /** {@code prefix + {"m0":0,…} + suffix}: one object of {@code n} members. */
    private static String members(String prefix, int n, String suffix) {
        StringBuilder s = new StringBuilder(prefix).append('{');
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":0");
        }
        return s.append('}').append(suffix).toString();
    }

    private static void assertRefused(Consumer<byte[]> reader, String json, String reason, String message) {
        assertThatThrownBy(() -> reader.accept(bytes(json))).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
