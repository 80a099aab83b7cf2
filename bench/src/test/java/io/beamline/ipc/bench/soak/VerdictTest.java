package io.beamline.ipc.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.bench.soak.Sample.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The verdict on synthetic samples: a healthy run passes, and each kind of trouble fails its own check. */
class VerdictTest {

    private static final long MIB = 1 << 20;
    private static final Limits LIMITS = new Limits(10, 20, 3, 4, 0, 0.95);
    private static final Verdict.Totals ALL_ANSWERED = new Verdict.Totals(1000, 1000, 1000, 0, 0, 0);

    /** Idle, two warm-up samples (growing, which is allowed), eight flat LOAD samples, idle again. */
    private static List<Sample> healthy() {
        List<Sample> s = new ArrayList<>();
        s.add(sample(0, Phase.IDLE_BEFORE, 100 * MIB, 8 * MIB, 27, 60, 0, 0));
        s.add(sample(10, Phase.WARMUP, 150 * MIB, 30 * MIB, 31, 80, 2, 4));
        s.add(sample(20, Phase.WARMUP, 190 * MIB, 40 * MIB, 31, 80, 1, 4));
        for (int i = 0; i < 8; i++) {
            s.add(sample(30 + 10 * i, Phase.LOAD, (200 + i % 2) * MIB, 41 * MIB, 31, 80, i % 3, 4));
        }
        s.add(sample(111, Phase.IDLE_AFTER, 201 * MIB, 41 * MIB, 31, 76, 0, 0));
        return s;
    }

    private static Sample sample(double t, Phase phase, long rss, long heap, long threads, long fds, long pending,
                                 long connections) {
        return Sample.of(t, phase, new Sample.Resources(rss, heap, threads, fds, pending, connections, 1.0),
                new Sample.Load(100, 100, 0, 0, 1, 1, 2, 3, 4));
    }

    private static List<Sample> change(List<Sample> samples, int index, UnaryOperator<Sample> f) {
        List<Sample> copy = new ArrayList<>(samples);
        copy.set(index < 0 ? copy.size() + index : index, f.apply(copy.get(index < 0 ? copy.size() + index : index)));
        return copy;
    }

    private static Sample with(Sample s, long rss, long threads, long fds, long pending) {
        return new Sample(s.seconds(), s.phase(), rss, s.heapAfterGc(), threads, fds, pending, s.connections(),
                s.sent(), s.ok(), s.errorAnswers(), s.unanswered(), s.inFlight(), s.p50Ms(), s.p99Ms(), s.p999Ms(),
                s.maxMs(), s.loadAverage());
    }

    private static List<String> failed(Verdict v) {
        return v.failures().stream().map(Verdict.Check::name).toList();
    }

    @Test
    void aHealthyRunPasses() {
        Verdict v = Verdict.of(healthy(), ALL_ANSWERED, List.of(), LIMITS);
        assertThat(v.pass()).as(v.toString()).isTrue();
        assertThat(v.toString()).startsWith("VERDICT: PASS");
    }

    @Test
    void anUnansweredRequestFails() {
        Verdict v = Verdict.of(healthy(), new Verdict.Totals(1000, 1000, 999, 0, 1, 0), List.of(), LIMITS);
        assertThat(failed(v)).containsExactly("every request answered");
    }

    @Test
    void aRequestStillInFlightAtTheEndFails() {
        Verdict v = Verdict.of(healthy(), new Verdict.Totals(1000, 1000, 999, 0, 0, 1), List.of(), LIMITS);
        assertThat(failed(v)).containsExactly("every request answered");
    }

    @Test
    void errorAnswersCountAsAnsweredButFailTheirOwnLimit() {
        Verdict v = Verdict.of(healthy(), new Verdict.Totals(1000, 1000, 990, 10, 0, 0), List.of(), LIMITS);
        assertThat(failed(v)).containsExactly("error answers");
    }

    @Test
    void aDriverThatFellBehindFails() {
        Verdict v = Verdict.of(healthy(), new Verdict.Totals(1000, 900, 900, 0, 0, 0), List.of(), LIMITS);
        assertThat(failed(v)).containsExactly("rate held");
    }

    @Test
    void aNettyLeakReportFails() {
        Verdict v = Verdict.of(healthy(), ALL_ANSWERED,
                LeakScan.in("ok\n12:00 ERROR i.n.u.ResourceLeakDetector - LEAK: ByteBuf.release() was not called\n"),
                LIMITS);
        assertThat(failed(v)).containsExactly("no Netty leak report");
    }

    @Test
    void pendingRouterRequestsLeftAfterTheRunFail() {
        Verdict v = Verdict.of(change(healthy(), -1, s -> with(s, s.rssBytes(), s.threads(), s.fds(), 1)),
                ALL_ANSWERED, List.of(), LIMITS);
        assertThat(failed(v)).containsExactly("pending back to 0");
    }

    @Test
    void threadsGrowingUnderLoadFail() {
        List<Sample> s = healthy();
        s = change(s, 8, x -> with(x, x.rssBytes(), 35, x.fds(), x.pending())); // baseline 31 + 4 > + 3
        assertThat(failed(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS))).containsExactly("threads not growing");
    }

    @Test
    void threadsLeftBehindAfterTheRunFail() {
        List<Sample> s = change(healthy(), -1, x -> with(x, x.rssBytes(), 40, x.fds(), 0));
        assertThat(failed(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS))).containsExactly("threads not growing");
    }

    @Test
    void fileDescriptorsNotClosedAfterTheRunFail() {
        List<Sample> s = change(healthy(), -1, x -> with(x, x.rssBytes(), x.threads(), 85, 0));
        assertThat(failed(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS))).containsExactly("open FDs not growing");
    }

    @Test
    void smallWobblesWithinTheDeltaPass() {
        List<Sample> s = change(healthy(), 5, x -> with(x, x.rssBytes(), 34, 84, x.pending()));
        assertThat(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS).pass()).isTrue();
    }

    @Test
    void rssGrowingPastTheLimitFails() {
        List<Sample> s = healthy();
        for (int i = 7; i <= 10; i++) { // the last LOAD samples at 240 MiB: +20 % against 200
            s = change(s, i, x -> with(x, 240 * MIB, x.threads(), x.fds(), x.pending()));
        }
        Verdict v = Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS);
        assertThat(failed(v)).containsExactly("RSS growth");
        assertThat(v.toString()).contains("+20.0 %");
    }

    @Test
    void oneRssSpikeDoesNotDecideAlone() {
        List<Sample> s = change(healthy(), 10, x -> with(x, 400 * MIB, x.threads(), x.fds(), x.pending()));
        assertThat(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS).pass()).isTrue();
    }

    /** 100 LOAD samples swinging between 118 and 126 MiB, as a resized heap does, plus {@code mibPerSample}. */
    private static List<Sample> swinging(double mibPerSample) {
        List<Sample> s = new ArrayList<>(healthy().subList(0, 3));
        for (int i = 0; i < 100; i++) {
            long rss = (long) ((i % 4 == 0 ? 126 : i % 3 == 0 ? 118 : 121) * MIB + i * mibPerSample * MIB);
            s.add(sample(30 + 10 * i, Phase.LOAD, rss, 41 * MIB, 31, 80, 0, 4));
        }
        s.add(sample(1031, Phase.IDLE_AFTER, 121 * MIB, 41 * MIB, 31, 76, 0, 0));
        return s;
    }

    @Test
    void swingsWithoutATrendPassAOnePercentLimitWhereverTheyFall() {
        Limits onePercent = new Limits(1, 20, 3, 4, 0, 0.95);
        List<Sample> s = swinging(0);
        s = change(s, 3, x -> with(x, 118 * MIB, x.threads(), x.fds(), x.pending())); // starts low ...
        s = change(s, -2, x -> with(x, 126 * MIB, x.threads(), x.fds(), x.pending())); // ... and ends high
        Verdict v = Verdict.of(s, ALL_ANSWERED, List.of(), onePercent);
        assertThat(v.pass()).as(v.toString()).isTrue();
    }

    @Test
    void aSlowLeakUnderTheSwingsFailsOnItsTrend() {
        Limits onePercent = new Limits(1, 20, 3, 4, 0, 0.95);
        // +0.05 MiB a sample: +5 MiB (~4 %) over the load, less than one swing
        Verdict v = Verdict.of(swinging(0.05), ALL_ANSWERED, List.of(), onePercent);
        assertThat(failed(v)).containsExactly("RSS growth");
        assertThat(v.toString()).contains("trend +4.");
    }

    @Test
    void growthDuringWarmUpIsNotCounted() {
        // healthy() grows from 100 to 190 MiB before the baseline; only LOAD samples are compared.
        assertThat(Verdict.of(healthy(), ALL_ANSWERED, List.of(), LIMITS).failures()).isEmpty();
    }

    @Test
    void anUnreadableSampleFails() {
        List<Sample> s = change(healthy(), 4, x -> with(x, -1, x.threads(), x.fds(), x.pending()));
        assertThat(failed(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS))).contains("every sample readable");
    }

    @Test
    void aRunWithNoSampleAfterWarmUpFails() {
        List<Sample> s = healthy().stream().filter(x -> x.phase() != Phase.LOAD).toList();
        assertThat(failed(Verdict.of(s, ALL_ANSWERED, List.of(), LIMITS))).containsExactly("samples after warm-up");
    }
}
