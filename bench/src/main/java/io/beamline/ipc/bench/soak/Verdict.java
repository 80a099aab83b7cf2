package io.beamline.ipc.bench.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Pass or fail of one soak, check by check, computed from the samples alone (plus the driver's totals and
 * any Netty leak lines) so that it can be tested on synthetic samples.
 *
 * <p>Baseline = the first samples after warm-up (phase LOAD); "end" = the last LOAD samples and the
 * IDLE_AFTER sample taken once every answer came back and the clients closed.
 */
public record Verdict(List<Check> checks) {

    /** One named check, with the numbers that decided it. */
    public record Check(String name, boolean pass, String detail) {

        @Override
        public String toString() {
            return (pass ? "PASS " : "FAIL ") + name + ": " + detail;
        }
    }

    /** What the driver counted over the whole run. */
    public record Totals(long planned, long sent, long ok, long errorAnswers, long unanswered, long inFlightAtEnd) {

        public long answered() {
            return ok + errorAnswers;
        }
    }

    private static final int SMOOTH = 3;

    public boolean pass() {
        return checks.stream().allMatch(Check::pass);
    }

    public List<Check> failures() {
        return checks.stream().filter(c -> !c.pass()).toList();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(pass() ? "VERDICT: PASS\n" : "VERDICT: FAIL\n");
        checks.forEach(c -> b.append("  ").append(c).append('\n'));
        return b.toString();
    }

    public static Verdict of(List<Sample> samples, Totals totals, List<String> leakLines, Limits limits) {
        List<Check> checks = new ArrayList<>();
        List<Sample> load = samples.stream().filter(s -> s.phase() == Sample.Phase.LOAD).toList();
        Sample after = samples.stream().filter(s -> s.phase() == Sample.Phase.IDLE_AFTER).reduce((a, b) -> b).orElse(null);

        checks.add(new Check("every request answered", totals.sent() == totals.answered() && totals.unanswered() == 0
                && totals.inFlightAtEnd() == 0, String.format("sent %d, answered %d (ok %d, error answers %d),"
                + " unanswered %d, still in flight %d", totals.sent(), totals.answered(), totals.ok(),
                totals.errorAnswers(), totals.unanswered(), totals.inFlightAtEnd())));
        checks.add(new Check("error answers", totals.errorAnswers() <= limits.maxErrorAnswers(),
                totals.errorAnswers() + " (limit " + limits.maxErrorAnswers() + ")"));
        long minSent = (long) Math.floor(totals.planned() * limits.minRateFraction());
        checks.add(new Check("rate held", totals.sent() >= minSent,
                "sent " + totals.sent() + " of " + totals.planned() + " planned (at least " + minSent + ")"));
        checks.add(new Check("no Netty leak report", leakLines.isEmpty(),
                leakLines.isEmpty() ? "none" : leakLines.size() + " line(s), first: " + leakLines.get(0)));
        List<Long> unreadable = new ArrayList<>();
        samples.forEach(s -> {
            if (s.rssBytes() < 0 || s.heapAfterGc() < 0 || s.threads() < 0 || s.fds() < 0 || s.pending() < 0) {
                unreadable.add(Math.round(s.seconds()));
            }
        });
        checks.add(new Check("every sample readable", unreadable.isEmpty(),
                unreadable.isEmpty() ? samples.size() + " samples" : "unreadable at t=" + unreadable + " s"));
        if (load.isEmpty() || after == null) {
            checks.add(new Check("samples after warm-up", false, load.size() + " LOAD samples, "
                    + (after == null ? "no" : "one") + " idle sample after the run: run longer or warm up less"));
            return new Verdict(List.copyOf(checks));
        }
        checks.add(new Check("pending back to 0", after.pending() == 0, "router_requests_pending " + after.pending()
                + " after the run (max under load " + max(load, Sample::pending) + ")"));
        checks.add(new Check("connections closed", after.connections() == 0,
                "ipc_connections_open " + after.connections() + " after the clients closed"));
        checks.add(bounded("threads", load, after, Sample::threads, limits.threadDelta()));
        checks.add(bounded("open FDs", load, after, Sample::fds, limits.fdDelta()));
        checks.add(growth("RSS", load, Sample::rssBytes, limits.rssGrowthPct()));
        checks.add(growth("heap after GC", load, Sample::heapAfterGc, limits.heapGrowthPct()));
        return new Verdict(List.copyOf(checks));
    }

    /** Neither the maximum under load nor the idle value after the run may pass baseline + delta. */
    private static Check bounded(String name, List<Sample> load, Sample after, ToLongFunction<Sample> f, long delta) {
        long base = f.applyAsLong(load.get(0));
        long peak = max(load, f);
        long end = f.applyAsLong(after);
        boolean pass = peak <= base + delta && end <= base + delta;
        return new Check(name + " not growing", pass, String.format("baseline %d, max under load %d, after the run %d"
                + " (limit baseline + %d)", base, peak, end, delta));
    }

    private static Check growth(String name, List<Sample> load, ToLongFunction<Sample> f, double limitPct) {
        int n = Math.min(SMOOTH, load.size());
        long base = median(load.subList(0, n), f);
        long end = median(load.subList(load.size() - n, load.size()), f);
        double pct = base > 0 ? (end - base) * 100.0 / base : Double.NaN;
        return new Check(name + " growth", pct <= limitPct, String.format("%.1f MiB -> %.1f MiB = %+.1f %% (limit %.0f %%)",
                base / 1048576.0, end / 1048576.0, pct, limitPct));
    }

    private static long max(List<Sample> samples, ToLongFunction<Sample> f) {
        return samples.stream().mapToLong(f).max().orElse(-1);
    }

    static long median(List<Sample> samples, ToLongFunction<Sample> f) {
        long[] v = samples.stream().mapToLong(f).toArray();
        Arrays.sort(v);
        return v[(v.length - 1) / 2];
    }
}
