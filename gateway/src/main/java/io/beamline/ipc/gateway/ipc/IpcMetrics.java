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
        Gauge.builder("ipc.buffered.bytes", ipc, IpcServer::bufferedBytes)
                .description("bytes held for all connections (partial frames and queued answers), "
                        + "against ipc.max_buffered_bytes").register(registry);
        Gauge.builder("ipc.buffered.exhausted", ipc, s -> s.bufferBudgetExhausted() ? 1 : 0)
                .description("1 while ipc.max_buffered_bytes is reached and connections holding bytes are not read")
                .register(registry);
    }
}
