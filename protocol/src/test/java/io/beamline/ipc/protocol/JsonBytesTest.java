package io.beamline.ipc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBytesTest {

    @Test
    void writesMembersWithCommasWhereTheyBelongAndCopiesRawValues() {
        byte[] raw = "xx{\"p\": [1, 2]}yy".getBytes(StandardCharsets.UTF_8);
        byte[] json = new JsonBytes(16).startObject()
                .string("s", "plain")
                .number("n", -7)
                .bool("b", true)
                .startObject("o").endObject()
                .startObject("q").string("k", "v").raw("r", raw, 2, 13).endObject()
                .raw("last", "null".getBytes(StandardCharsets.UTF_8))
                .endObject().toByteArray();
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"s\":\"plain\",\"n\":-7,\"b\":true,\"o\":{},\"q\":{\"k\":\"v\",\"r\":{\"p\": [1, 2]}},\"last\":null}");
    }

    @Test
    void stringsThatNeedItAreEscapedAsJacksonDoes() {
        String nasty = "quote \" backslash \\ newline \n tab \t nul \0 é 😀";
        byte[] json = new JsonBytes(8).startObject().string("k\"ey", nasty).endObject().toByteArray();
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"k\\\"ey\":\"quote \\\" backslash \\\\ newline \\n tab \\t nul \\u0000 é 😀\"}");
        assertThat(Json.parseObject(json).path("k\"ey").asText()).isEqualTo(nasty);
    }

    @Test
    void anObjectGivenUpToItsClosingBraceTakesMoreMembers() {
        byte[] client = "{\"source\":\"ide\" }".getBytes(StandardCharsets.UTF_8);
        byte[] empty = "{ }".getBytes(StandardCharsets.UTF_8);
        String json = new String(new JsonBytes(8).startObject()
                .startObject("m", client, 0, client.length - 1, true).number("deadline", 5).endObject()
                .startObject("e", empty, 0, empty.length - 1, false).number("deadline", 6).endObject()
                .endObject().toByteArray(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"m\":{\"source\":\"ide\" ,\"deadline\":5},\"e\":{ \"deadline\":6}}");
    }

    @Test
    void unbalancedUseIsABug() {
        assertThatThrownBy(() -> new JsonBytes(8).startObject().toByteArray()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonBytes(8).string("a", "b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonBytes(8).endObject()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonBytes(8).startObject().startObject()).isInstanceOf(IllegalStateException.class);
    }
}
