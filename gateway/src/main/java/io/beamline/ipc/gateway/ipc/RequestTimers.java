package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.observability.LatencyBuckets;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * {@code ipc_requests_seconds{type,protocol,outcome}}: how long the gateway took from a request frame handed to
 * the dispatcher to its answer ready to write. Labels come from enums only (type × protocol version × error
 * code), so the series are bounded. Each timer is built on its first use and kept in an array: a request
 * reads an array slot, never builds tags (issue 10 counts allocation per request); two threads racing to
 * build one get the same timer from the registry. Timers are not registered ahead: only combinations that
 * happen are exported, each with its {@link LatencyBuckets#request()} buckets.
 */
final class RequestTimers {

    private static final int TYPES = MessageType.values().length;
    private static final String[] PROTOCOLS = {"v1", "v2"};

    private final MeterRegistry meters;
    /** [type, or TYPES for an unknown one][protocol v1, v2][outcome] */
    private final Timer[][][] timers = new Timer[TYPES + 1][PROTOCOLS.length][ErrorCode.values().length];

    RequestTimers(MeterRegistry meters) {
        this.meters = meters;
    }

    /** @param startedNanos {@link System#nanoTime()} when the request reached the dispatcher */
    void record(Frame request, ErrorCode outcome, long startedNanos) {
        long elapsed = System.nanoTime() - startedNanos;
        MessageType t = request.type();
        int protocol = request.version() == Frame.V2 ? 1 : 0;
        Timer[] row = timers[t == null ? TYPES : t.ordinal()][protocol];
        Timer timer = row[outcome.ordinal()];
        if (timer == null) {
            timer = Timer.builder("ipc.requests")
                    .description("IPC requests from the frame read to the answer ready, by type, protocol and outcome")
                    .tag("type", t == null ? "unknown" : t.name()).tag("protocol", PROTOCOLS[protocol])
                    .tag("outcome", outcome.reason())
                    .serviceLevelObjectives(LatencyBuckets.request())
                    .register(meters);
            row[outcome.ordinal()] = timer;
        }
        timer.record(elapsed, TimeUnit.NANOSECONDS);
    }
}
