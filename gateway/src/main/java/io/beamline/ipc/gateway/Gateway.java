package io.beamline.ipc.gateway;

import io.beamline.ipc.gateway.config.GatewayConfig;
import io.beamline.ipc.gateway.config.LiveConfig;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.beamline.ipc.gateway.ipc.IpcMetrics;
import io.beamline.ipc.gateway.ipc.IpcServer;
import io.beamline.ipc.gateway.ipc.SystemdActivation;
import io.beamline.ipc.gateway.observability.AdminServer;
import io.beamline.ipc.gateway.observability.GatewayMetrics;
import io.beamline.ipc.gateway.observability.Readiness;
import io.beamline.ipc.gateway.resilience.DrainGate;
import io.beamline.ipc.gateway.resilience.SubmitGates;
import io.beamline.ipc.gateway.resilience.admission.AdmissionMetrics;
import io.beamline.ipc.gateway.resilience.admission.InFlightLimit;
import io.beamline.ipc.gateway.resilience.backpressure.BackpressureMetrics;
import io.beamline.ipc.gateway.resilience.backpressure.RouterBackpressure;
import io.beamline.ipc.gateway.resilience.breaker.BreakerMetrics;
import io.beamline.ipc.gateway.resilience.breaker.RouterBreaker;
import io.beamline.ipc.gateway.resilience.ratelimit.RateLimitGate;
import io.beamline.ipc.gateway.resilience.ratelimit.RateLimitMetrics;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.gateway.routerclient.RouterCall;
import io.beamline.ipc.gateway.routerclient.RouterMetrics;
import io.beamline.ipc.gateway.task.TaskMetrics;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.beamline.ipc.gateway.task.RequestTracer;
import io.beamline.ipc.gateway.tracing.Tracing;
import io.beamline.ipc.gateway.taskflow.RoutedTasks;
import io.beamline.ipc.gateway.taskflow.StreamMetrics;
import io.beamline.ipc.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring and lifecycle: the one place that knows every part. Start, then close (idempotent). */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final long DRAIN_POLL_MS = 10;

    private final GatewayConfig config;
    private final IpcServer ipc;
    private final RouterClient router;
    private final RoutedTasks routed;
    private final TaskRegistry tasks;
    private final GatewayMetrics metrics;
    private final AdminServer admin;
    private final DrainGate drain;
    private final RouterBackpressure backpressure;
    private final RateLimitGate rateLimits;
    private final RequestTracer tracer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Gateway(GatewayConfig config, IpcServer ipc, RouterClient router, RoutedTasks routed, TaskRegistry tasks,
                    GatewayMetrics metrics, AdminServer admin, DrainGate drain, RouterBackpressure backpressure,
                    RateLimitGate rateLimits, RequestTracer tracer) {
        this.config = config;
        this.ipc = ipc;
        this.router = router;
        this.routed = routed;
        this.tasks = tasks;
        this.metrics = metrics;
        this.admin = admin;
        this.drain = drain;
        this.backpressure = backpressure;
        this.rateLimits = rateLimits;
        this.tracer = tracer;
    }

    /** NATS connects in the background: the socket serves at once, TASK_* get 503 until NATS is up. */
    public static Gateway start(GatewayConfig config) throws IOException, InterruptedException {
        return start(new LiveConfig(config));
    }

    /**
     * Like {@link #start(GatewayConfig)}; the parts that own reloadable settings read them from {@code live},
     * and {@code /status} shows its settings as they are now.
     */
    public static Gateway start(LiveConfig live) throws IOException, InterruptedException {
        GatewayConfig config = live.get();
        var activation = SystemdActivation.take(); // first: a wrong fd stops the start before anything runs
        GatewayMetrics metrics = new GatewayMetrics();
        DrainGate drain = new DrainGate();
        RouterClient router = RouterClient.start(config.nats());
        IpcServer ipc = null;
        RoutedTasks routed = null;
        RouterBackpressure backpressure = null;
        RateLimitGate rateLimits = null;
        // Spans only with an OTLP endpoint set (OTEL_EXPORTER_OTLP_ENDPOINT); else no OpenTelemetry class loads.
        RequestTracer tracer = Tracing.fromEnvironment(System.getenv());
        try {
            TaskRegistry tasks = new TaskRegistry(config.tasks().registrySize(), config.tasks().ttl(),
                    Clock.systemUTC());
            rateLimits = RateLimitGate.create(live.view(GatewayConfig::rateLimit));
            RouterBreaker breaker = new RouterBreaker(config.breaker(), Clock.systemUTC());
            router.pool().onReconnected(breaker::transportRecovered);
            backpressure = new RouterBackpressure(config.backpressure(), () -> router.request(RouterCall.BACKPRESSURE,
                    config.backpressure().subject(), Map.of("version", "1"),
                    Json.write(JsonNodeFactory.instance.objectNode().put("subject", config.router().subject())),
                    config.backpressure().timeout()), breaker::openForBackpressure);
            InFlightLimit admission = new InFlightLimit(live.view(GatewayConfig::admission));
            // Asked in order before a submit reaches the Router; the first refusal answers it. A stopping
            // gateway takes no new work (503 shutting_down); rate limits per uid and tenant (429 rate_limited)
            // are cheap; then Router overload (429 router_overloaded), the breaker (503 circuit_open) and the
            // in-flight cap (503 gateway_overloaded): the gates that hold something for a submit come last.
            SubmitGates gates = new SubmitGates(List.of(drain, rateLimits, backpressure, breaker, admission));
            backpressure.start();
            routed = new RoutedTasks(router, live.view(GatewayConfig::router), config.streams(), gates, tasks);
            ipc = IpcServer.start(live.view(GatewayConfig::ipc), config.streams(), routed, metrics.meters(),
                    activation, tracer);
            metrics.bind(new IpcMetrics(ipc), new RouterMetrics(router), new TaskMetrics(tasks),
                    new RateLimitMetrics(rateLimits), new BreakerMetrics(breaker),
                    new BackpressureMetrics(backpressure), new AdmissionMetrics(admission));
            metrics.bind(new StreamMetrics(routed));
            AdminServer admin = null;
            if (config.admin().enabled()) {
                admin = AdminServer.start(config.admin().port(), metrics.registry(),
                        () -> Readiness.of(true, router.pool().connected(), router.pool().members().size(),
                                router.pool().lastFailure().orElse(null)));
                LOG.info("admin endpoint on http://127.0.0.1:{} (/metrics, /health/live, /health/ready)",
                        admin.port());
                admin.serveJson("/status", new GatewayStatus(live, ipc, router, routed, drain, admission,
                        breaker, backpressure, rateLimits, admin.url())::report);
                ipc.advertiseAdminUrl(admin.url());
            }
            Gateway gateway = new Gateway(config, ipc, router, routed, tasks, metrics, admin, drain, backpressure,
                    rateLimits, tracer);
            exitWhenIdle(config, ipc, router, gateway);
            return gateway;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (backpressure != null) {
                backpressure.close();
            }
            if (rateLimits != null) {
                rateLimits.close();
            }
            if (ipc != null) {
                ipc.close();
            }
            if (routed != null) {
                routed.close();
            }
            router.close();
            tracer.close();
            throw e;
        }
    }

    /** ipc.activation_idle_exit_ms: only a socket-activated gateway may go, systemd starts it again. */
    private static void exitWhenIdle(GatewayConfig config, IpcServer ipc, RouterClient router, Gateway gateway) {
        if (!config.activation().idleExitEnabled()) {
            return;
        }
        if (!ipc.socketActivated()) {
            LOG.info("ipc.activation_idle_exit_ms = {} has no effect: the gateway was not started by systemd socket "
                    + "activation", config.activation().idleExit().toMillis());
            return;
        }
        ipc.exitWhenIdle(config.activation().idleExit(), () -> router.pending() > 0, gateway::close);
    }

    /** The Router path: pending requests, late replies, the NATS pool's state. */
    public RouterClient router() {
        return router;
    }

    /** The admin endpoint's port, when it is enabled. */
    public OptionalInt adminPort() {
        return admin == null ? OptionalInt.empty() : OptionalInt.of(admin.port());
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public TaskRegistry tasks() {
        return tasks;
    }

    public Path socketPath() {
        return ipc.socketPath();
    }

    public int openConnections() {
        return ipc.openConnections();
    }

    public GatewayConfig config() {
        return config;
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Every request read is answered (the Router's replies included) or the timeout passes. A stop is rare
     * and off the event loops: polling a counter is simpler than wiring a completion signal through.
     */
    private boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ipc.unansweredRequests() > 0 || router.pending() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(DRAIN_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("draining: no new connections or tasks; waiting up to {} ms for {} unanswered request(s)",
                config.drainTimeout().toMillis(), ipc.unansweredRequests());
        try {
            drain.close();
            ipc.stopAccepting();
            if (!awaitDrained(config.drainTimeout())) {
                LOG.warn("drain timeout: {} request(s) still unanswered, {} waiting on the Router; closing anyway",
                        ipc.unansweredRequests(), router.pending());
            }
            ipc.close();
            if (admin != null) {
                admin.close();
            }
        } finally {
            try {
                routed.close(); // streams still running end as cancelled, the Router told
                backpressure.close();
                rateLimits.close();
                router.close();
                tracer.close(); // the last spans out, a bounded wait
            } finally {
                stopped.countDown();
            }
        }
    }
}
