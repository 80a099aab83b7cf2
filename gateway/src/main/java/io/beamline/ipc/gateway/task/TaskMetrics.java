package io.beamline.ipc.gateway.task;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The task registry's meters. */
public record TaskMetrics(TaskRegistry tasks) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("tasks.registry.size", tasks, TaskRegistry::size)
                .description("tasks remembered for TASK_QUERY").register(registry);
        Gauge.builder("tasks.pending", tasks, TaskRegistry::pending)
                .description("tasks submitted and not finished").register(registry);
    }
}
