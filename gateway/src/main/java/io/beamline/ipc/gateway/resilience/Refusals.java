package io.beamline.ipc.gateway.resilience;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** One counter family for every gate: {@code gateway_submits_refused_total{reason}}. */
public final class Refusals {

    private Refusals() {
    }

    public static <T> void register(MeterRegistry registry, String reason, T gate, ToDoubleFunction<T> count) {
        FunctionCounter.builder("gateway.submits.refused", gate, count).tag("reason", reason)
                .description("submits refused before the Router, by reason").register(registry);
    }
}
