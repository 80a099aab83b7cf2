package io.beamline.ipc.gateway.resilience.breaker;

import io.beamline.ipc.gateway.resilience.Refusals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The Router circuit breaker's meters. */
public record BreakerMetrics(RouterBreaker breaker) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("router.breaker.state", breaker, RouterBreaker::stateCode)
                .description("Router circuit breaker: 0 closed, 1 open, 2 half-open").register(registry);
        FunctionCounter.builder("router.breaker.opened", breaker, RouterBreaker::openedCount)
                .description("times the Router circuit breaker opened").register(registry);
        Refusals.register(registry, RouterBreaker.REASON, breaker, RouterBreaker::refused);
    }
}
