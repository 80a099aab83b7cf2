package io.beamline.ipc.router.service;

/**
 * The status rule of the Router's backpressure docs: two or more of the three thresholds exceeded →
 * {@code active}, one → {@code warning}, none → {@code inactive}.
 */
public final class Backpressure {

    /** Defaults are the values of the Router's docs. */
    public record Thresholds(long queueOverload, long latencyOverloadMs, long inflightOverload) {
        public static final Thresholds DEFAULT = new Thresholds(1000, 5000, 500);
    }

    private Backpressure() {
    }

    static String status(long pending, long p95Ms, long inflight, Thresholds t) {
        int exceeded = (pending > t.queueOverload() ? 1 : 0) + (p95Ms > t.latencyOverloadMs() ? 1 : 0)
                + (inflight > t.inflightOverload() ? 1 : 0);
        return exceeded >= 2 ? "active" : exceeded == 1 ? "warning" : "inactive";
    }
}
