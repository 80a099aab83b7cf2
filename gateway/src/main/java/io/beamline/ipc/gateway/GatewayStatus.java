package io.beamline.ipc.gateway;

import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.gateway.config.LiveConfig;
import io.beamline.ipc.gateway.ipc.ConnectionsStatus;
import io.beamline.ipc.gateway.ipc.IpcServer;
import io.beamline.ipc.gateway.resilience.DrainGate;
import io.beamline.ipc.gateway.resilience.admission.InFlightLimit;
import io.beamline.ipc.gateway.resilience.backpressure.BackpressureStatus;
import io.beamline.ipc.gateway.resilience.backpressure.RouterBackpressure;
import io.beamline.ipc.gateway.resilience.breaker.BreakerStatus;
import io.beamline.ipc.gateway.resilience.breaker.RouterBreaker;
import io.beamline.ipc.gateway.resilience.ratelimit.RateLimitGate;
import io.beamline.ipc.gateway.resilience.ratelimit.RateLimitStatus;
import io.beamline.ipc.gateway.routerclient.NatsStatus;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.gateway.taskflow.RoutedTasks;
import java.time.Instant;
import java.util.Map;

/**
 * The gateway's {@code GET /status} document (docs/operations/status.md): one snapshot made of each part's own
 * status, asked of the part that owns the state. Made on the admin thread per request; every read is of a
 * counter or a volatile field, so nothing waits on an event loop and nothing is added to the request path.
 */
final class GatewayStatus {

    /** The document; field names are snake_case in JSON. */
    public record Report(String version, String startedAt, long uptimeMs, long pid, String socketPath,
                         String adminUrl, boolean draining, ConnectionsStatus connections, Requests requests,
                         Admission admission, NatsStatus nats, BreakerStatus breaker,
                         BackpressureStatus backpressure, RateLimitStatus rateLimits, Streams streams,
                         Map<String, ConfigLoader.Shown> config) {
    }

    /**
     * @param unanswered    requests read from clients and not answered yet, over all connections
     * @param routerPending requests sent to the Router and waiting for its reply
     * @param lateReplies   Router replies that came after their request had ended, since start
     */
    public record Requests(int unanswered, int routerPending, long lateReplies) {
    }

    /** The in-flight cap on submits ({@code admission.max_in_flight}) and what it refused since start. */
    public record Admission(int inFlight, int maxInFlight, long refused) {
    }

    /**
     * @param active     streams running now
     * @param held       streams held: running, and ended ones kept for replay
     * @param maxRunning {@code streams.max_running}
     */
    public record Streams(int active, int held, int maxRunning) {
    }

    private final LiveConfig live;
    private final IpcServer ipc;
    private final RouterClient router;
    private final RoutedTasks routed;
    private final DrainGate drain;
    private final InFlightLimit admission;
    private final RouterBreaker breaker;
    private final RouterBackpressure backpressure;
    private final RateLimitGate rateLimits;
    private final String adminUrl;
    private final Instant startedAt = Instant.now();
    private final long startedNanos = System.nanoTime();
    private final long pid = ProcessHandle.current().pid();

    GatewayStatus(LiveConfig live, IpcServer ipc, RouterClient router,
                  RoutedTasks routed, DrainGate drain, InFlightLimit admission, RouterBreaker breaker,
                  RouterBackpressure backpressure, RateLimitGate rateLimits, String adminUrl) {
        this.live = live;
        this.ipc = ipc;
        this.router = router;
        this.routed = routed;
        this.drain = drain;
        this.admission = admission;
        this.breaker = breaker;
        this.backpressure = backpressure;
        this.rateLimits = rateLimits;
        this.adminUrl = adminUrl;
    }

    Report report() {
        return new Report(GatewayMain.Version.get(), startedAt.toString(),
                (System.nanoTime() - startedNanos) / 1_000_000, pid, ipc.socketPath().toString(), adminUrl,
                drain.draining(), ipc.status(),
                new Requests(ipc.unansweredRequests(), router.pending(), router.lateReplies()),
                new Admission(admission.inFlight(), admission.max(), admission.refused()),
                router.pool().status(), breaker.status(), backpressure.status(), rateLimits.status(),
                new Streams(routed.runningStreams(), routed.streams(), live.get().streams().maxRunning()),
                live.shown());
    }
}
