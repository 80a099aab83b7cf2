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

    /**
     * Growth is the trend of the LOAD samples, not the difference of two moments: RSS moves by a few MiB as the
     * heap is resized and memory is handed back, and a one-percent limit must not be decided by where those
     * swings happen to fall. The trend is the Theil–Sen slope (the median of the slopes between every two
     * samples), which a leak raises and a spike or a swing does not; the growth is that slope over the load's
     * length, against the trend line's start. The medians of the first and last samples are shown beside it.
     */
    private static Check growth(String name, List<Sample> load, ToLongFunction<Sample> f, double limitPct) {
        int n = Math.min(SMOOTH, load.size());
        long base = median(load.subList(0, n), f);
        long end = median(load.subList(load.size() - n, load.size()), f);
        double endpointsPct = base > 0 ? (end - base) * 100.0 / base : Double.NaN;
        double slope = theilSenSlope(load, f);
        double t0 = load.get(0).seconds();
        double t1 = load.get(load.size() - 1).seconds();
        double start = medianIntercept(load, f, slope) + slope * t0;
        double pct = start > 0 ? slope * (t1 - t0) * 100.0 / start : Double.NaN;
        return new Check(name + " growth", pct <= limitPct, String.format("trend %+.2f %% over %.0f s of load "
                + "(%+.3f MiB per hour, Theil–Sen; limit %.1f %%); first/last samples %.1f MiB -> %.1f MiB = %+.1f %%",
                pct, t1 - t0, slope * 3600 / 1048576.0, limitPct, base / 1048576.0, end / 1048576.0, endpointsPct));
    }

    /** The median of the slopes between every two samples (bytes per second); 0 for fewer than two samples. */
    static double theilSenSlope(List<Sample> samples, ToLongFunction<Sample> f) {
        int n = samples.size();
        double[] slopes = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dt = samples.get(j).seconds() - samples.get(i).seconds();
                if (dt > 0) {
                    slopes[k++] = (f.applyAsLong(samples.get(j)) - f.applyAsLong(samples.get(i))) / dt;
                }
            }
        }
        return k == 0 ? 0 : medianOf(Arrays.copyOf(slopes, k));
    }

    private static double medianIntercept(List<Sample> samples, ToLongFunction<Sample> f, double slope) {
        return medianOf(samples.stream().mapToDouble(s -> f.applyAsLong(s) - slope * s.seconds()).toArray());
    }

    private static double medianOf(double[] v) {
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
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
