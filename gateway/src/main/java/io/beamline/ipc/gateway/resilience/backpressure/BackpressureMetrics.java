package io.beamline.ipc.gateway.resilience.backpressure;

import io.beamline.ipc.gateway.resilience.Refusals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The Router's backpressure status as polled, and what it refused. */
public record BackpressureMetrics(RouterBackpressure backpressure) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
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
        Refusals.register(registry, RouterBackpressure.REASON, backpressure, RouterBackpressure::refused);
    }
}
