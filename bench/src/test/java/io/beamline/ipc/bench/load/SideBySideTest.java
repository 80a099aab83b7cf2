package io.beamline.ipc.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The alternation and the merging of windows, on scripted paths (no load is run). */
class SideBySideTest {

    /** A path whose every window is {@code done} requests of {@code micros} µs in exactly the window's time. */
    private record Scripted(String name, long done, long micros, List<String> log) implements SideBySide.Path {

        @Override
        public int connections(int depth) {
            return 1;
        }

        @Override
        public LoadResult run(int depth, Duration duration) {
            log.add(name + " " + duration.toMillis());
            Histogram h = new Histogram(3);
            for (int i = 0; i < done; i++) {
                h.recordValue(micros);
            }
            return new LoadResult(depth, duration.toMillis() / 1000.0, done, 0, h);
        }
    }

    @Test
    void windowsAlternateSoNeitherPathAlwaysGoesFirst() {
        assertThat(SideBySide.order(0)).containsExactly(0, 1);
        assertThat(SideBySide.order(1)).containsExactly(1, 0);
        assertThat(SideBySide.order(2)).containsExactly(0, 1);
    }

    @Test
    void warmsUpEachThenMergesEachPathsWindows() throws InterruptedException {
        List<String> log = new ArrayList<>();
        SideBySide.Path a = new Scripted("a", 1000, 2000, log);
        SideBySide.Path b = new Scripted("b", 500, 4000, log);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();

        SideBySide.Pair pair = SideBySide.measure(a, b, 64, Duration.ofSeconds(1), Duration.ofSeconds(3), 3,
                new ProcessCpu(Map.of()), JvmAllocation.none(), new PrintStream(lines, true, StandardCharsets.UTF_8));

        assertThat(log).containsExactly("a 1000", "b 1000", "a 1000", "b 1000", "b 1000", "a 1000", "a 1000", "b 1000");
        assertThat(pair.first().result().done()).isEqualTo(3000);
        assertThat(pair.first().result().seconds()).isEqualTo(3.0);
        assertThat(pair.first().shape()).isEqualTo("1 × 64");
        assertThat(pair.second().result().done()).isEqualTo(1500);
        assertThat(pair.throughputRatio()).isEqualTo(2.0);
        assertThat(pair.latencyRatio(50)).isCloseTo(0.5, within(0.01));
        assertThat(pair.label()).isEqualTo("a / b");
        assertThat(lines.toString(StandardCharsets.UTF_8).lines()).hasSize(6)
                .first().asString().startsWith("depth 64, window 1, a:");
    }

    @Test
    void cpuAndAllocationPerRequestAndCoresAddUpOverWindows() {
        Map<String, Double> w1 = new LinkedHashMap<>(Map.of("gateway", 0.5));
        Map<String, Double> w2 = new LinkedHashMap<>(Map.of("gateway", 1.5));
        SideBySide.Measured m1 = new SideBySide.Measured("v2", "1 × 256", 1, new LoadResult(256, 2, 40_000, 0,
                new Histogram(3)), w1, Map.of("gateway", 4e8));
        SideBySide.Measured m2 = new SideBySide.Measured("v2", "1 × 256", 1, new LoadResult(256, 2, 60_000, 1,
                new Histogram(3)), w2, Map.of("gateway", 6e8));

        SideBySide.Measured both = m1.plus(m2);

        assertThat(both.result().done()).isEqualTo(100_000);
        assertThat(both.result().errors()).isEqualTo(1);
        assertThat(both.cpuMicrosPerRequest("gateway")).isCloseTo(20.0, within(1e-9));
        assertThat(both.totalCpuMicrosPerRequest()).isCloseTo(20.0, within(1e-9));
        assertThat(both.cores("gateway")).isCloseTo(0.5, within(1e-9));
        assertThat(both.cpuMicrosPerRequest("router")).isNaN();
        assertThat(both.allocatedBytesPerRequest("gateway")).isCloseTo(10_000.0, within(1e-9));
        assertThat(both.allocatedBytesPerRequest("router")).isNaN();
    }

    @Test
    void anEmptyResultIsTheStartOfASum() {
        LoadResult one = new LoadResult(8, 1.5, 10, 2, new Histogram(3));
        LoadResult sum = LoadResult.empty(8).plus(one);
        assertThat(sum.seconds()).isEqualTo(1.5);
        assertThat(sum.done()).isEqualTo(10);
        assertThat(sum.errors()).isEqualTo(2);
    }
}
