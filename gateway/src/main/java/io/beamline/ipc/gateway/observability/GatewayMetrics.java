package io.beamline.ipc.gateway.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The gateway's meter registry (Prometheus). Each part brings its own {@link MeterBinder}, reading the state
 * it already keeps (no second bookkeeping to drift); this class knows none of them. Threads and file
 * descriptors are here because leaks show there first.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public GatewayMetrics() {
        bind(new JvmThreadMetrics(), new JvmMemoryMetrics(), new ProcessorMetrics(), new FileDescriptorMetrics(),
                new UptimeMetrics());
    }

    public void bind(MeterBinder... binders) {
        for (MeterBinder b : binders) {
            b.bindTo(registry);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** For the parts that count their own events (answers by type and outcome). */
    public MeterRegistry meters() {
        return registry;
    }
}
