package io.beamline.ipc.bench.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The soak command: drives a running gateway at a fixed request rate for a fixed time, samples its
 * resources every interval into CSV, draws a PNG and gives a verdict. Exit code 0 = pass, 1 = fail,
 * 2 = usage error. Starts nothing: {@code bench/run-soak.sh} starts NATS, Router and gateway around it.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fixed-rate soak of a running gateway; writes samples.csv, chart.png and verdict.txt.")
public final class Soak implements Callable<Integer> {

    @Option(names = "--socket", required = true, description = "the gateway's Unix socket")
    Path socket;

    @Option(names = "--admin-url", required = true, description = "e.g. http://127.0.0.1:PORT (its /metrics is read)")
    String adminUrl;

    @Option(names = "--pid", required = true, description = "PID of the gateway's JVM (for /proc and jcmd)")
    long pid;

    @Option(names = "--rate", defaultValue = "200", description = "requests per second (open loop), default ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--connections", defaultValue = "4", description = "client connections, default ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationArg.class,
            description = "load time: 90s, 30m, 2h; default ${DEFAULT-VALUE}")
    Duration duration;

    @Option(names = "--warmup", converter = DurationArg.class,
            description = "load before the baseline; default: 200 sample intervals, at least 2m, at most a third of"
                    + " --duration (see defaultWarmup)")
    Duration warmup;

    @Option(names = "--sample-interval", defaultValue = "10s", converter = DurationArg.class,
            description = "default ${DEFAULT-VALUE}")
    Duration sampleInterval;

    @Option(names = "--request-timeout", defaultValue = "30s", converter = DurationArg.class,
            description = "no answer by then = unanswered; default ${DEFAULT-VALUE}")
    Duration requestTimeout;

    @Option(names = "--task-type", defaultValue = "text.generate")
    String taskType;

    @Option(names = "--no-gc", description = "do not force a GC (jcmd GC.run) before each sample")
    boolean noGc;

    @Option(names = "--gateway-log", description = "the gateway's stderr, searched for Netty LEAK reports (repeatable)")
    List<Path> gatewayLogs = new ArrayList<>();

    @Option(names = "--out", defaultValue = "bench/target/soak", description = "output directory, default ${DEFAULT-VALUE}")
    Path out;

    @Mixin
    LimitOptions limitOptions;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Soak()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Duration w = warmup != null ? warmup : defaultWarmup(duration, sampleInterval);
        SoakRun.Settings settings = new SoakRun.Settings(socket, rate, connections, duration, w, sampleInterval,
                requestTimeout, taskType);
        Limits limits = limitOptions.limits();
        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "soak: %.0f req/s over %d connections for %s (warm-up %s), sample every %s -> %s%n",
                rate, connections, duration, w, sampleInterval, out);
        System.out.println(SampleCsv.HEADER);
        SoakRun.Result result;
        try (SampleCsv csv = new SampleCsv(out.resolve("samples.csv"))) {
            result = SoakRun.run(settings, new GatewayProbe(pid, adminUrl, !noGc), s -> {
                csv.append(s);
                System.out.println(SampleCsv.row(s));
            });
        }
        Verdict verdict = result.verdict(LeakScan.in(gatewayLogs), limits);
        String report = summary(settings, result) + verdict;
        Files.writeString(out.resolve("verdict.txt"), report);
        SoakChart.write(out.resolve("chart.png"), result.samples(), String.format(Locale.ROOT, "%.0f req/s, %s",
                rate, human(duration)));
        System.out.print(report);
        return verdict.pass() ? 0 : 1;
    }

    static String summary(SoakRun.Settings s, SoakRun.Result r) {
        var h = r.latencyMicros();
        return String.format(Locale.ROOT, "rate %.0f req/s over %d connections, %s load, warm-up %s, sample every %s%n"
                        + "latency of OK answers: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%d answers)%n",
                s.rate(), s.connections(), s.duration(), s.warmup(), s.sampleInterval(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    /** {@code PT32M} as {@code 32m}, for titles. */
    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Samples the JIT needs to compile code that runs once per sample: HotSpot's {@code Tier3InvocationThreshold}. */
    static final int JIT_SAMPLES = 200;

    /**
     * The warm-up when none is given: until the JIT has compiled what runs once per sample interval, at least two
     * minutes, at most a third of the load. Each sample scrapes the gateway's metrics and forces a GC, and the gateway
     * runs timers of its own (the Router backpressure poll every 5 s); code that runs once per interval is compiled
     * after ~200 runs (C1 with profiles: code cache and Metaspace grow as it is), so at 10 s per sample the gateway's
     * code grows for ~33 minutes of any run, by ~2 MB: more than the 1 % (1.2 MB) a two-hour run may grow
     * (docs/PERFORMANCE.md, issue 10, "Where the soak's RSS trend comes from").
     */
    static Duration defaultWarmup(Duration duration, Duration sampleInterval) {
        return min(max(sampleInterval.multipliedBy(JIT_SAMPLES), Duration.ofMinutes(2)), duration.dividedBy(3));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 500ms}, a plain number of seconds, or ISO-8601 ({@code PT30M}). */
    static final class DurationArg implements CommandLine.ITypeConverter<Duration> {

        private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.trim());
            if (!m.matches()) {
                return Duration.parse(value);
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }
}
