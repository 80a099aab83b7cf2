package io.beamline.ipc.bench.soak;

/**
 * One row of the soak's CSV: the gateway's resources at one instant, and the load of the interval that
 * ended there. Resource values are -1 when they could not be read.
 *
 * @param seconds       time since the soak started
 * @param phase         {@link Phase} of the interval that ended here
 * @param rssBytes      resident set size of the gateway process (VmRSS), read after the forced GC
 * @param heapAfterGc   heap used right after a forced full GC (the live set), in bytes
 * @param threads       live JVM threads of the gateway ({@code jvm_threads_live_threads})
 * @param fds           open file descriptors of the gateway ({@code /proc/PID/fd} entries)
 * @param pending       Router requests the gateway waits for ({@code router_requests_pending})
 * @param connections   open client connections ({@code ipc_connections_open})
 * @param sent          requests sent in the interval
 * @param ok            RESPONSE_OK answers received in the interval
 * @param errorAnswers  RESPONSE_ERROR (or unreadable) answers received in the interval
 * @param unanswered    requests that ended in the interval without any answer (timeout, connection lost)
 * @param inFlight      requests sent and not yet ended, at the sample
 * @param p50Ms         latency percentiles of the answers in the interval, from the intended send time
 * @param loadAverage   the machine's 1-minute load average: on shared cores it explains latency spikes
 */
public record Sample(double seconds, Phase phase, long rssBytes, long heapAfterGc, long threads, long fds,
                     long pending, long connections, long sent, long ok, long errorAnswers, long unanswered,
                     long inFlight, double p50Ms, double p99Ms, double p999Ms, double maxMs, double loadAverage) {

    /** Where in the run a sample was taken. */
    public enum Phase {
        /** Before any client connected. */
        IDLE_BEFORE,
        /** Under load, before the verdict's baseline (JIT, pools and the task registry fill up). */
        WARMUP,
        /** Under load, measured. */
        LOAD,
        /** After the load stopped, every answer was awaited and the clients closed. */
        IDLE_AFTER
    }

    /** The gateway's side of a sample: what {@link GatewayProbe} reads. */
    public record Resources(long rssBytes, long heapAfterGc, long threads, long fds, long pending, long connections,
                            double loadAverage) {
    }

    /** The driver's side of a sample: what {@link RateDriver} counted in one interval. */
    public record Load(long sent, long ok, long errorAnswers, long unanswered, long inFlight, double p50Ms,
                       double p99Ms, double p999Ms, double maxMs) {

        public static final Load NONE = new Load(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The same sample in another phase (a verdict taken again with another warm-up). */
    public Sample withPhase(Phase newPhase) {
        return new Sample(seconds, newPhase, rssBytes, heapAfterGc, threads, fds, pending, connections, sent, ok,
                errorAnswers, unanswered, inFlight, p50Ms, p99Ms, p999Ms, maxMs, loadAverage);
    }

    public static Sample of(double seconds, Phase phase, Resources r, Load l) {
        return new Sample(seconds, phase, r.rssBytes(), r.heapAfterGc(), r.threads(), r.fds(), r.pending(),
                r.connections(), l.sent(), l.ok(), l.errorAnswers(), l.unanswered(), l.inFlight(), l.p50Ms(),
                l.p99Ms(), l.p999Ms(), l.maxMs(), r.loadAverage());
    }
}
