package io.beamline.ipc.gateway.observability;

import io.beamline.ipc.gateway.ipc.IpcServer;
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

    /** For the parts that count their own events (answers by type and outcome). */
    public MeterRegistry meters() {
        return registry;
    }
}
