package io.beamline.ipc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubmitPayloadTest {

    private static final String SUBMIT = "{ \"s\" : \"a\\\"b\\u00e9\" ,\"i\":-42, \"f\":2.50,\"e\":1e3,"
            + "\"big\":123456789012345678901234567890, \"t\":true,\"n\":null ,\"a\":[1, {\"x\":[]}],"
            + "\"o\":{ \"deadline\" : null , \"k\":{\"y\":1} }  }";

    @Test
    void eachMemberIsReadWithItsKindItsValueAndExactlyWhereItsTextLies() {
        SubmitPayload p = SubmitPayload.read(bytes(SUBMIT));
        assertThat(p.fields()).extracting(SubmitPayload.Field::name)
                .containsExactly("s", "i", "f", "e", "big", "t", "n", "a", "o");
        assertThat(text(p, "s")).isEqualTo("\"a\\\"b\\u00e9\"");
        assertThat(p.get("s").text()).isEqualTo("a\"bé");
        assertThat(text(p, "i")).isEqualTo("-42");
        assertThat(p.get("i").longValue()).contains(-42L);
        assertThat(text(p, "f")).isEqualTo("2.50");
        assertThat(p.get("f").longValue()).as("a fraction is no integer").isEmpty();
        assertThat(text(p, "e")).isEqualTo("1e3");
        assertThat(p.get("big").longValue()).as("beyond a long").isEmpty();
        assertThat(text(p, "t")).isEqualTo("true");
        assertThat(p.get("t").isBoolean()).isTrue();
        assertThat(p.get("t").value()).isEqualTo(Boolean.TRUE);
        assertThat(text(p, "n")).isEqualTo("null");
        assertThat(p.get("n").isNull()).isTrue();
        assertThat(text(p, "a")).isEqualTo("[1, {\"x\":[]}]");
        assertThat(text(p, "o")).isEqualTo("{ \"deadline\" : null , \"k\":{\"y\":1} }");
        assertThat(p.get("o").isObject()).isTrue();
        assertThat(p.get("absent")).isNull();
    }

    @Test
    void anObjectMembersOwnMembersAreFoundWithoutATree() {
        SubmitPayload p = SubmitPayload.read(bytes(SUBMIT));
        assertThat(p.member(p.get("o"), "deadline")).contains(JsonToken.VALUE_NULL);
        assertThat(p.member(p.get("o"), "k")).contains(JsonToken.START_OBJECT);
        assertThat(p.member(p.get("o"), "y")).as("only its own members, not nested ones").isEmpty();
        assertThat(p.tree(p.get("o")).toString()).isEqualTo("{\"deadline\":null,\"k\":{\"y\":1}}");
        assertThatThrownBy(() -> p.member(p.get("a"), "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMemberSetByTheGatewayReplacesTheClientsOrIsAdded() {
        SubmitPayload p = SubmitPayload.read(bytes("{\"task_id\":null,\"x\":1}"));
        SubmitPayload set = p.with("task_id", "t-1");
        assertThat(set.get("task_id").text()).isEqualTo("t-1");
        assertThat(set.fields()).extracting(SubmitPayload.Field::name).containsExactly("x", "task_id");
        assertThat(p.get("task_id").isNull()).as("the original is unchanged").isTrue();
        JsonBytes out = new JsonBytes(32).startObject();
        set.copy(set.get("task_id"), "id", out);
        set.copy(set.get("x"), "x", out);
        assertThat(new String(out.endObject().toByteArray(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"t-1\",\"x\":1}");
    }

    @Test
    void readsAsStrictlyAsATreeWithTheSameCode() {
        for (String bad : List.of("", "[]", "1", "\"s\"", "{\"a\":1}x", "{\"a\":1} {}", "{\"a\":1,\"a\":2}",
                "{\"o\":{\"a\":1,\"a\":2}}", "{'a':1}", "{\"a\":NaN}", "{\"a\":[1,}", "{\"a\":\"\u0001\"}",
                "{\"a\":1}\0\0", "{\"a\":" + "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1) + "}")) {
            assertThatThrownBy(() -> SubmitPayload.read(bytes(bad)))
                    .as(bad).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        }
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertThatThrownBy(() -> SubmitPayload.read(badUtf8)).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> SubmitPayload.read(bytes("[1]"))).hasMessage("payload must be a JSON object, was ARRAY");
    }

    @Test
    void oneTrailingNulIsIgnoredAsEverywhere() {
        assertThat(SubmitPayload.read(bytes("{\"a\":1}\0")).get("a").longValue()).isEqualTo(Optional.of(1L));
    }

    private static String text(SubmitPayload p, String name) {
        SubmitPayload.Field f = p.get(name);
        return new String(p.bytes(), f.start(), f.length(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
