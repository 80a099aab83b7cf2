package io.beamline.ipc.gateway.ipc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The socket server's meters, read from the state it keeps (answers are counted as they leave). */
public record IpcMetrics(IpcServer ipc) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ipc.connections.open", ipc, IpcServer::openConnections)
                .description("client connections open now").register(registry);
        Gauge.builder("ipc.requests.unanswered", ipc, IpcServer::unansweredRequests)
                .description("requests read from clients and not answered yet").register(registry);
        Gauge.builder("ipc.outbound.queued_bytes", ipc, IpcServer::queuedOutboundBytes)
                .description("answers queued for clients that have not read them yet, in bytes").register(registry);
    }
}
