package io.beamline.ipc.gateway.observability;

import io.beamline.ipc.gateway.ipc.IpcServer;
import io.beamline.ipc.gateway.resilience.admission.InFlightLimit;
import io.beamline.ipc.gateway.resilience.backpressure.RouterBackpressure;
import io.beamline.ipc.gateway.resilience.breaker.RouterBreaker;
import io.beamline.ipc.gateway.resilience.ratelimit.Limit;
import io.beamline.ipc.gateway.resilience.ratelimit.RateLimitGate;
import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The gateway's meters. Most are read from the state the parts already keep (no second bookkeeping to
 * drift): open connections, pending Router requests, late replies, NATS connections and reconnects, tasks.
 * Threads and file descriptors are here because leaks show there first.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public GatewayMetrics() {
        new JvmThreadMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void bindIpc(IpcServer ipc) {
        Gauge.builder("ipc.connections.open", ipc, IpcServer::openConnections)
                .description("client connections open now").register(registry);
        Gauge.builder("ipc.requests.unanswered", ipc, IpcServer::unansweredRequests)
                .description("requests read from clients and not answered yet").register(registry);
        Gauge.builder("ipc.outbound.queued_bytes", ipc, IpcServer::queuedOutboundBytes)
                .description("answers queued for clients that have not read them yet, in bytes").register(registry);
    }

    public void bindRouter(RouterClient router) {
        Gauge.builder("router.requests.pending", router, RouterClient::pending)
                .description("Router requests waiting for a reply").register(registry);
        FunctionCounter.builder("router.replies.late", router, RouterClient::lateReplies)
                .description("Router replies that came after their request ended; dropped").register(registry);
        Gauge.builder("nats.connections.connected", router, r -> r.pool().connected())
                .description("pooled NATS connections that are up").register(registry);
        Gauge.builder("nats.connections.pool_size", router, r -> r.pool().members().size())
                .description("pooled NATS connections configured").register(registry);
        FunctionCounter.builder("nats.reconnects", router, r -> r.pool().reconnects())
                .description("NATS reconnects over all pooled connections").register(registry);
    }

    public void bindTasks(TaskRegistry tasks) {
        Gauge.builder("tasks.registry.size", tasks, TaskRegistry::size)
                .description("tasks remembered for TASK_QUERY").register(registry);
        Gauge.builder("tasks.pending", tasks, TaskRegistry::pending)
                .description("tasks submitted and not finished").register(registry);
    }

    /** The Router breaker, the Router's backpressure status and the local in-flight cap. */
    public void bindResilience(RouterBreaker breaker, RouterBackpressure backpressure, InFlightLimit admission) {
        Gauge.builder("router.breaker.state", breaker, RouterBreaker::stateCode)
                .description("Router circuit breaker: 0 closed, 1 open, 2 half-open").register(registry);
        FunctionCounter.builder("router.breaker.opened", breaker, RouterBreaker::openedCount)
                .description("times the Router circuit breaker opened").register(registry);
        Gauge.builder("router.backpressure.status", backpressure, b -> b.current().status().gauge())
                .description("the Router's backpressure status: -1 unknown, 0 inactive, 1 warning, 2 active")
                .register(registry);
        for (RouterBackpressure.Status s : RouterBackpressure.Status.values()) {
            FunctionCounter.builder("router.backpressure.polls", backpressure, b -> b.polls(s)).tag("status", s.wire())
                    .description("backpressure status polls by the status they found").register(registry);
        }
        FunctionCounter.builder("router.backpressure.no_answer", backpressure, RouterBackpressure::noAnswer)
                .description("backpressure polls without a readable answer (status unknown)").register(registry);
        FunctionCounter.builder("router.backpressure.warning_submits", backpressure,
                        RouterBackpressure::servedDuringWarning)
                .description("submits served while the Router's status was warning").register(registry);
        Gauge.builder("gateway.submits.in_flight", admission, InFlightLimit::inFlight)
                .description("submits admitted and not ended").register(registry);
        refusals(RouterBackpressure.REASON, backpressure, RouterBackpressure::refused);
        refusals(RouterBreaker.REASON, breaker, RouterBreaker::refused);
        refusals(InFlightLimit.REASON, admission, InFlightLimit::refused);
    }

    private <T> void refusals(String reason, T source, java.util.function.ToDoubleFunction<T> count) {
        FunctionCounter.builder("gateway.submits.refused", source, count).tag("reason", reason)
                .description("submits refused before the Router, by reason").register(registry);
    }

    /** Rate limits: refusals by limit, submits decided without Redis by the failure behaviour, buckets kept. */
    public void bindRateLimits(RateLimitGate limits) {
        for (Limit l : Limit.values()) {
            FunctionCounter.builder("ratelimit.refused", limits, g -> g.refused(l)).tag("limit", l.wire())
                    .description("submits refused by a rate limit (429 rate_limited), by limit").register(registry);
        }
        for (RateLimitConfig.OnRedisFailure b : RateLimitConfig.OnRedisFailure.values()) {
            FunctionCounter.builder("ratelimit.redis.failures", limits, g -> g.redisFailures(b))
                    .tag("behaviour", b.name().toLowerCase(java.util.Locale.ROOT))
                    .description("submits decided without the fleet limit because Redis failed, by behaviour")
                    .register(registry);
        }
        for (Limit l : new Limit[] {Limit.UID, Limit.TENANT}) {
            Gauge.builder("ratelimit.buckets", limits, g -> g.trackedKeys(l)).tag("limit", l.wire())
                    .description("local rate-limit buckets kept (bounded by ratelimit.max_keys)").register(registry);
        }
    }

    /** For the parts that count their own events (answers by type and outcome). */
    public MeterRegistry meters() {
        return registry;
    }
}
