package io.beamline.ipc.gateway.routerclient;

import io.beamline.ipc.gateway.observability.LatencyBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code router_requests_seconds{call,outcome}}: a request to the Router from the moment it is handed to NATS to
 * its end: {@code reply}, or why none came ({@code timeout}, {@code no_responders}, {@code nats_disconnected},
 * {@code shutdown}, {@code cancelled}). Requests never sent (no connection up, refused by NATS) are not timed.
 * Timers are built on first use and kept in an array (no tags built per request); until the registry is
 * bound nothing is recorded.
 */
final class RouterLegTimers {

    /** The outcomes: the kinds of {@link RouterResponse.Kind}, then a reply, then the caller's cancel. */
    private static final int REPLY = RouterResponse.Kind.values().length;
    private static final int CANCELLED = REPLY + 1;

    private volatile MeterRegistry meters;
    private final Timer[][] timers = new Timer[RouterCall.values().length][CANCELLED + 1];

    void bindTo(MeterRegistry registry) {
        meters = registry;
    }

    /** @param response how it ended, or {@code null} when the caller cancelled it */
    void record(RouterCall call, long sentNanos, RouterResponse response) {
        MeterRegistry registry = meters;
        if (registry == null) {
            return;
        }
        long elapsed = System.nanoTime() - sentNanos;
        int outcome;
        if (response instanceof RouterResponse.NoReply none) {
            if (none.kind() == RouterResponse.Kind.NATS_UNAVAILABLE || none.kind() == RouterResponse.Kind.UNSENDABLE) {
                return; // not sent: there is no Router leg
            }
            outcome = none.kind().ordinal();
        } else {
            outcome = response == null ? CANCELLED : REPLY;
        }
        Timer[] row = timers[call.ordinal()];
        Timer timer = row[outcome];
        if (timer == null) {
            timer = Timer.builder("router.requests")
                    .description("requests to the Router over NATS, from the publish to the reply or why none came")
                    .tag("call", call.label()).tag("outcome", label(outcome))
                    .serviceLevelObjectives(LatencyBuckets.request())
                    .register(registry);
            row[outcome] = timer;
        }
        timer.record(elapsed, TimeUnit.NANOSECONDS);
    }

    private static String label(int outcome) {
        if (outcome == REPLY) {
            return "reply";
        }
        return outcome == CANCELLED ? "cancelled" : RouterResponse.Kind.values()[outcome].name().toLowerCase(Locale.ROOT);
    }
}
