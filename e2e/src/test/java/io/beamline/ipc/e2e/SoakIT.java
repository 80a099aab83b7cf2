package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import io.beamline.ipc.bench.soak.GatewayProbe;
import io.beamline.ipc.bench.soak.LeakScan;
import io.beamline.ipc.bench.soak.Limits;
import io.beamline.ipc.bench.soak.Sample;
import io.beamline.ipc.bench.soak.SampleCsv;
import io.beamline.ipc.bench.soak.SoakChart;
import io.beamline.ipc.bench.soak.SoakRun;
import io.beamline.ipc.bench.soak.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak of issue 5 in CI: 60 s of load at a fixed 200 requests/s over 4 connections against a real
 * nats-server, Router and gateway (Netty leak detection PARANOID, set by LauncherProcess), driven in process
 * by the bench module's soak code. The first 20 s warm up; the last 40 s are the measured part, whose start
 * is the baseline. Fails on a request sent and not answered, an error answer, a measured part that did not
 * carry 200 requests/s, pending Router requests left after the run, thread or file-descriptor counts above
 * the baseline, or a Netty LEAK report. The modest rate keeps it reliable on 2 shared cores; the ≥ 30 minute
 * run in docs/RELIABILITY.md is the memory evidence. Samples and chart are left in e2e/target/soak-it/ for a
 * look after a failure.
 */
class SoakIT {

    private static final Pattern ADMIN = Pattern.compile("admin: (http://127\\.0\\.0\\.1:\\d+)/");

    private static final double RATE = 200;
    /** JIT, Netty pools and the (shrunk) task registry settle before the baseline. */
    private static final Duration WARMUP = Duration.ofSeconds(20);
    private static final Duration MEASURED = Duration.ofSeconds(40);
    private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(5);
    /** MEASURED / SAMPLE_INTERVAL, written out. */
    private static final int MEASURED_SAMPLES = 8;
    /**
     * Requests sent in the measured part against RATE × its measured length. The driver is open loop: a
     * late request goes out late, not never, so only a lag at the part's ends shifts the count; 5 % is 2 s
     * of lag, which a busy machine does not reach and a stalled driver or gateway does.
     */
    private static final double RATE_MARGIN_PCT = 5;

    /** The soak's load phase is warm-up and measured part together; SoakRun marks the samples of each. */
    private static SoakRun.Settings settings(Path socket) {
        return new SoakRun.Settings(socket, RATE, 4, WARMUP.plus(MEASURED), WARMUP, SAMPLE_INTERVAL,
                Duration.ofSeconds(10), "text.generate");
    }

    /**
     * Threads +3 and FDs +4 over the baseline, no error answer, every planned request sent (the open-loop
     * driver sends each one, late if need be; fewer means it was stopped). Memory is loose on purpose: a
     * young JVM with PARANOID leak tracking still grows its RSS in its first minute, so 50 % only catches a
     * gross native leak; heap after GC (the registry is full after 5 s) gets 30 %.
     */
    private static final Limits CI_LIMITS = new Limits(50, 30, 3, 4, 0, 1.0);

    @Test
    void fortySecondsMeasuredAfterTwentyOfWarmUpLeaveNothingBehind(@TempDir Path dir) throws Exception {
        // 1,000 remembered tasks instead of 10,000, so the registry is full (and the heap flat) within warm-up.
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "tasks:\n  registry_size: 1000\n");
        try (Deployment deployment = Deployment.start(dir, List.of(), List.of("--config", config.toString()))) {
            await().atMost(Deployment.START).until(() -> ADMIN.matcher(deployment.gateway.stdout()).find());
            Matcher admin = ADMIN.matcher(deployment.gateway.stdout());
            assertThat(admin.find()).isTrue();
            GatewayProbe probe = new GatewayProbe(deployment.gateway.pid(), admin.group(1), true);
            Path out = Files.createDirectories(Path.of("target", "soak-it"));

            SoakRun.Result result;
            try (SampleCsv csv = new SampleCsv(out.resolve("samples.csv"))) {
                result = SoakRun.run(settings(deployment.socket), probe, csv::append);
            }
            SoakChart.write(out.resolve("chart.png"), result.samples(),
                    "SoakIT, 200 req/s, 20 s warm-up + 40 s measured");
            Verdict verdict = result.verdict(LeakScan.in(deployment.gateway.stderr()), CI_LIMITS);
            Files.writeString(out.resolve("verdict.txt"), verdict.toString());

            assertThat(verdict.failures()).as("%s", verdict).isEmpty();
            assertMeasuredPartCarriedTheRate(result.samples());
        }
    }

    /** The LOAD samples cover the measured part: from the last warm-up sample to the last LOAD one. */
    private static void assertMeasuredPartCarriedTheRate(List<Sample> samples) {
        List<Sample> measured = samples.stream().filter(s -> s.phase() == Sample.Phase.LOAD).toList();
        Sample lastWarmup = samples.stream().filter(s -> s.phase() == Sample.Phase.WARMUP)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(measured).as("samples of the measured part").hasSize(MEASURED_SAMPLES);
        double seconds = measured.get(measured.size() - 1).seconds() - lastWarmup.seconds();
        long sent = measured.stream().mapToLong(Sample::sent).sum();
        System.out.printf("measured part: %d requests sent in %.2f s = %.1f/s%n", sent, seconds, sent / seconds);
        assertThat((double) sent).as("requests sent in the measured %.2f s at %.0f/s", seconds, RATE)
                .isCloseTo(RATE * seconds, withinPercentage(RATE_MARGIN_PCT));
    }
}
