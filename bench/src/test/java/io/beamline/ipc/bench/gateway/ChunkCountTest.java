package io.beamline.ipc.bench.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Both paths' verification: seq order, data sizes, and the verdict against the expected and the end's counts. */
class ChunkCountTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsSeqAndDataSizeFromStreamDataPayloads() {
        ChunkCount c = new ChunkCount();
        assertThat(c.dataFrame(json("{\"task_id\":\"t1\",\"seq\":1,\"data\":\"chunk 1/2;ch\"}"))).isTrue();
        assertThat(c.dataFrame(json("{\"seq\":2,\"task_id\":\"t1\",\"extra\":{\"a\":[1,2]},\"data\":\"é€😀\"}")))
                .isTrue();
        assertThat(c.dataFrame(json("{\"task_id\":\"t1\",\"seq\":3,\"data_base64\":\"AAEC/w==\"}"))).isTrue();

        assertThat(c.chunks()).isEqualTo(3);
        assertThat(c.bytes()).isEqualTo(12 + (2 + 3 + 4) + 4); // UTF-8 sizes, base64 decoded
        assertThat(c.failure()).isNull();
        assertThat(c.firstChunkNanos()).isPositive();
        assertThat(c.verdict(3, 25, 3, 25)).isNull();
        assertThat(c.verdict(3, 25, -1, -1)).isNull();
    }

    @Test
    void aChunkOutOfOrderBreaksTheStreamAndNothingAfterItCounts() {
        ChunkCount c = new ChunkCount();
        assertThat(c.chunk(1, 64)).isTrue();
        assertThat(c.chunk(3, 64)).isFalse();
        assertThat(c.chunk(2, 64)).isFalse();

        assertThat(c.chunks()).isEqualTo(1);
        assertThat(c.failure()).isEqualTo("chunk seq 3 where 2 was due");
        assertThat(c.verdict(1, 64, -1, -1)).isEqualTo("chunk seq 3 where 2 was due");
    }

    @Test
    void unreadablePayloadsBreakTheStream() {
        assertThat(new ChunkCount().dataFrame(json("[1]"))).isFalse();
        assertThat(new ChunkCount().dataFrame(json("{\"seq\":1}"))).isFalse();
        assertThat(new ChunkCount().dataFrame(json("{\"seq\":\"1\",\"data\":\"x\"}"))).isFalse();
        ChunkCount c = new ChunkCount();
        c.dataFrame(json("{\"seq\":1,\"data\":"));
        assertThat(c.failure()).startsWith("an unreadable STREAM_DATA payload");
    }

    @Test
    void theVerdictWantsEveryChunkAndAnEndThatAgrees() {
        ChunkCount c = new ChunkCount();
        for (int seq = 1; seq <= 4; seq++) {
            c.chunk(seq, 64);
        }
        assertThat(c.verdict(4, 256, 4, 256)).isNull();
        assertThat(c.verdict(5, 320, 4, 256)).isEqualTo("received 4 chunks, 256 bytes; expected 5 chunks, 320 bytes");
        assertThat(c.verdict(4, 256, 5, 256)).isEqualTo("the end counts 5 chunks, 256 bytes; received 4, 256");
        assertThat(c.verdict(4, 256, 4, 300)).isEqualTo("the end counts 4 chunks, 300 bytes; received 4, 256");
    }
}
