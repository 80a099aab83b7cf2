package io.beamline.ipc.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The shape of the {@code --json} report, which other scripts read: every field name and JSON type is written
 * out here on purpose, not taken from the records, so a rename in the code fails this test.
 */
class ReportJsonTest {

    private static final List<String> MACHINE_FIELDS = List.of("nproc", "cpu_model", "kernel", "jdk", "nats_server",
            "load_average_before", "load_average_after", "date_utc", "git_commit", "git_dirty", "command",
            "gateway_settings");

    private static Machine machine() {
        return new Machine(2, "Intel(R) Xeon(R) Processor", "6.18.0", "OpenJDK Runtime Environment (build 25)",
                "nats-server: v2.11.0", List.of(0.5, 0.25, 0.125), List.of(1.5, 0.5, 0.25), "2026-11-26T18:06:00Z",
                "0123abcd", true, "bench/run-gateway-bench.sh --depths 1 --json /tmp/x.json",
                Map.of("BEAMLINE_ROUTER_TIMEOUT_MS", "5000"));
    }

    /** 10,000 requests in 2 s at 1 ms each; the processes used 0.1 s CPU each, the gateway allocated 20 MB. */
    private static SideBySide.Measured measured(String path, int connections) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(1000, 10_000);
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String p : List.of("bench", "gateway", "router", "nats")) {
            cpu.put(p, 0.1);
        }
        return new SideBySide.Measured(path, "1 × 1", connections, new LoadResult(1, 2.0, 10_000, 3, h), cpu,
                Map.of("gateway", 2e7));
    }

    private static JsonNode written(Report report) throws Exception {
        return new ObjectMapper().readTree(report.toJson());
    }

    @Test
    void machineAndRunsWithTheirFieldsAndTypes() throws Exception {
        SideBySide.Pair pair = new SideBySide.Pair(1, measured("gateway", 1), measured("direct", 1));

        JsonNode json = written(new Report(machine(), RequestRun.of(List.of(pair), true, false)));

        assertThat(names(json)).containsExactly("machine", "runs");
        JsonNode m = json.get("machine");
        assertThat(names(m)).containsExactlyElementsOf(MACHINE_FIELDS);
        assertThat(m.get("nproc").isInt()).isTrue();
        for (String text : List.of("cpu_model", "kernel", "jdk", "nats_server", "date_utc", "git_commit", "command")) {
            assertThat(m.get(text).getNodeType()).as(text).isEqualTo(JsonNodeType.STRING);
        }
        assertThat(m.get("git_dirty").isBoolean()).isTrue();
        assertThat(m.get("load_average_before").isArray()).isTrue();
        assertThat(m.get("load_average_before").get(0).isNumber()).isTrue();
        assertThat(m.get("load_average_after")).hasSize(3);
        assertThat(m.get("gateway_settings").get("BEAMLINE_ROUTER_TIMEOUT_MS").asText()).isEqualTo("5000");

        JsonNode runs = json.get("runs");
        assertThat(runs.isArray()).isTrue();
        assertThat(runs).hasSize(2);
        JsonNode gateway = runs.get(0);
        assertThat(names(gateway)).containsExactly("depth", "path", "connections", "requests_per_s", "p50_ms",
                "p99_ms", "p999_ms", "errors", "cpu_us_per_request", "gateway_alloc_bytes_per_request");
        assertThat(gateway.get("depth").isInt()).isTrue();
        assertThat(gateway.get("path").asText()).isEqualTo("gateway");
        assertThat(gateway.get("connections").isInt()).isTrue();
        assertThat(gateway.get("requests_per_s").asDouble()).isEqualTo(5000.0);
        assertThat(gateway.get("p50_ms").isNumber()).isTrue();
        assertThat(gateway.get("p50_ms").asDouble()).isEqualTo(1.0);
        assertThat(gateway.get("p99_ms").isNumber()).isTrue();
        assertThat(gateway.get("p999_ms").isNumber()).isTrue();
        assertThat(gateway.get("errors").isIntegralNumber()).isTrue();
        assertThat(gateway.get("errors").asLong()).isEqualTo(3);
        JsonNode cpu = gateway.get("cpu_us_per_request");
        assertThat(names(cpu)).containsExactly("client", "gateway", "router", "nats");
        assertThat(cpu.get("client").asDouble()).isEqualTo(10.0); // 0.1 s / 10,000 requests
        assertThat(gateway.get("gateway_alloc_bytes_per_request").asDouble()).isEqualTo(2000.0);

        JsonNode direct = runs.get(1);
        assertThat(direct.get("path").asText()).isEqualTo("direct");
        assertThat(direct.has("gateway_alloc_bytes_per_request")).as("only paths through the gateway").isFalse();
    }

    @Test
    void whatWasNotReadIsNullNotNaN() throws Exception {
        SideBySide.Measured m = new SideBySide.Measured("gateway", "1 × 1", 1, new LoadResult(1, 2.0, 10, 0,
                new Histogram(3)), Map.of("gateway", Double.NaN), Map.of());
        Machine unknown = new Machine(2, null, "6.18.0", "jdk", null, List.of(), List.of(), "2026-11-26T18:06:00Z",
                null, null, null, Map.of());

        JsonNode json = written(new Report(unknown, List.of(RequestRun.of(1, m, true))));

        assertThat(json.get("machine").get("git_commit").isNull()).isTrue();
        assertThat(json.get("machine").get("git_dirty").isNull()).isTrue();
        JsonNode run = json.get("runs").get(0);
        assertThat(run.get("cpu_us_per_request").get("gateway").isNull()).isTrue();
        assertThat(run.has("gateway_alloc_bytes_per_request")).isFalse();
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
