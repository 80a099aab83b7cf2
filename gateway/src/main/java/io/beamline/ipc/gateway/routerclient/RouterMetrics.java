package io.beamline.ipc.gateway.routerclient;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The Router path's meters: pending requests, late replies, the NATS pool's connections and reconnects, and the
 * Router leg's latency ({@link RouterLegTimers}).
 */
public record RouterMetrics(RouterClient router) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
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
        router.legTimers().bindTo(registry);
    }
}
