package io.beamline.ipc.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One measured window (or several merged) of a {@link FixedInFlight} run.
 *
 * @param latencyMicros latency of the successful requests, in microseconds
 */
public record LoadResult(int depth, double seconds, long done, long errors, Histogram latencyMicros) {

    /** Nothing measured yet: adding windows to it gives their sum. */
    public static LoadResult empty(int depth) {
        return new LoadResult(depth, 0, 0, 0, new Histogram(3));
    }

    public double perSecond() {
        return done / seconds;
    }

    /** A latency percentile in milliseconds. */
    public double ms(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMs() {
        return latencyMicros.getMaxValue() / 1000.0;
    }

    /** This window and {@code other} (same depth) as one: counts and time add, histograms merge. */
    public LoadResult plus(LoadResult other) {
        Histogram h = latencyMicros.copy();
        h.add(other.latencyMicros);
        return new LoadResult(depth, seconds + other.seconds, done + other.done, errors + other.errors, h);
    }

    /** e.g. {@code 45,835/s, p50 1.11 ms, p99 4.98 ms, p99.9 9.16 ms, max 12.00 ms, 916700 ok, 0 errors in 20.0 s}. */
    public String summary(String unit) {
        return String.format("%,.0f %s/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, %d %s, %d errors"
                + " in %.1f s", perSecond(), unit, ms(50), ms(99), ms(99.9), maxMs(), done, unit, errors, seconds);
    }
}
