package io.beamline.ipc.gateway.resilience.admission;

import io.beamline.ipc.gateway.resilience.Refusals;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The global in-flight cap's meters. */
public record AdmissionMetrics(InFlightLimit admission) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("gateway.submits.in_flight", admission, InFlightLimit::inFlight)
                .description("submits admitted and not ended").register(registry);
        Refusals.register(registry, InFlightLimit.REASON, admission, InFlightLimit::refused);
    }
}
