package io.beamline.ipc.bench.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.bench.load.ProcessCpu;
import io.beamline.ipc.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream's policy and submit, the adding up of streams into rates and CPU per chunk, and its JSON run. */
class StreamThroughputBenchmarkTest {

    private static final StreamThroughputBenchmark.Shape SHAPE =
            new StreamThroughputBenchmark.Shape(100_000, 64, 0, "bench_stream");

    @Test
    void thePolicyStreamsTheShapeAndTheSubmitAsksForIt() {
        assertThat(Json.write(SHAPE.policyDocument())).asString(java.nio.charset.StandardCharsets.UTF_8).isEqualTo(
                "{\"providers\":[{\"name\":\"openai\",\"weight\":100}],"
                        + "\"stream\":{\"chunks\":100000,\"chunk_bytes\":64,\"interval_ms\":0}}");
        ObjectNode submit = Json.parseObject(SHAPE.submit());
        assertThat(submit.path("stream").asBoolean()).isTrue();
        assertThat(submit.path("policy_id").asText()).isEqualTo("bench_stream");
        assertThat(submit.path("task_type").asText()).isEqualTo("text.generate");
        assertThat(SHAPE.bytes()).isEqualTo(6_400_000L);
    }

    @Test
    void streamsAddUpIntoRatesAndCpuPerChunk() {
        StreamThroughputBenchmark.Streams s = StreamThroughputBenchmark.Streams.none("gateway",
                new ProcessCpu(Map.of("gateway", 1L)));
        s = s.plus(100_000, 6_400_000, 2.0, 30, Map.of("gateway", 1.0));
        s = s.plus(100_000, 6_400_000, 2.0, 10, Map.of("gateway", 2.0));
        s = s.plus(100_000, 6_400_000, 1.0, 20, Map.of("gateway", 1.0));

        assertThat(s.streams()).isEqualTo(3);
        assertThat(s.chunksPerSecond()).isCloseTo(60_000, within(1e-6));
        assertThat(s.megabytesPerSecond()).isCloseTo(3.84, within(1e-9));
        assertThat(s.medianFirstChunkMs()).isEqualTo(20);
        assertThat(s.cpuMicrosPerChunk("gateway")).isCloseTo(4 * 1e6 / 300_000, within(1e-9));
        assertThat(s.cores("gateway")).isCloseTo(0.8, within(1e-9));
        assertThat(s.plus(1, 1, 1, 40, Map.of()).medianFirstChunkMs()).isEqualTo(25);
    }

    @Test
    void theJsonRunOfAPathNamesItsFieldsAsScriptsReadThem() throws Exception {
        StreamThroughputBenchmark.Streams s = StreamThroughputBenchmark.Streams.none("gateway",
                new ProcessCpu(Map.of("bench", 1L, "gateway", 2L)));
        s = s.plus(100_000, 6_400_000, 2.0, 30, Map.of("bench", 0.5, "gateway", 1.0));

        JsonNode run = Json.mapper().readTree(Json.mapper().writeValueAsString(s.json()));

        List<String> names = new ArrayList<>();
        run.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("path", "streams", "chunks", "chunks_per_s", "mb_per_s",
                "first_chunk_ms_median", "cpu_us_per_chunk");
        assertThat(run.get("chunks_per_s").asDouble()).isCloseTo(50_000, within(1e-6));
        assertThat(run.get("cpu_us_per_chunk").get("client").asDouble()).isCloseTo(5.0, within(1e-9));
        assertThat(run.get("cpu_us_per_chunk").get("gateway").asDouble()).isCloseTo(10.0, within(1e-9));
    }
}
