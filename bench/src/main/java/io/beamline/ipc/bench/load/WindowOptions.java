package io.beamline.ipc.bench.load;

import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options every side-by-side benchmark takes for its windows, CPU and allocation readings (a picocli mixin): the
 * defaults live here once.
 */
public final class WindowOptions {

    @Option(names = "--prewarm-s", defaultValue = "10", description = "JIT warm-up at the deepest depth")
    int prewarmS;

    @Option(names = "--warmup-s", defaultValue = "5")
    int warmupS;

    @Option(names = "--duration-s", defaultValue = "15")
    int durationS;

    @Option(names = "--slices", defaultValue = "3", description = "measured windows per path and depth")
    int slices;

    @Option(names = "--pids", paramLabel = "name=PID,...", description = "processes whose CPU time to report")
    String pids;

    @Option(names = "--alloc-pids", paramLabel = "name=PID,...",
            description = "JVMs whose heap allocation per request to report (read over JMX through the attach API)")
    String allocPids;

    public Duration prewarm() {
        return Duration.ofSeconds(prewarmS);
    }

    public Duration warmup() {
        return Duration.ofSeconds(warmupS);
    }

    public Duration duration() {
        return Duration.ofSeconds(durationS);
    }

    public int slices() {
        return slices;
    }

    /** The CPU reading of the named processes, this benchmark's own JVM as "bench". */
    public ProcessCpu cpu() {
        return ProcessCpu.parse(pids, "bench");
    }

    /** The allocation reading of the {@code --alloc-pids} JVMs (none without the option); close it after the run. */
    public JvmAllocation alloc() throws IOException {
        return JvmAllocation.attach(allocPids);
    }
}
