package io.beamline.ipc.gateway.taskflow;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The streams' meters: opened, running, held for replay, chunks and bytes, duration by end status. */
public record StreamMetrics(RoutedTasks tasks) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        StreamRegistry streams = tasks.streamRegistry();
        StreamStats stats = streams.stats();
        FunctionCounter.builder("streams.opened", stats, StreamStats::openedCount)
                .description("streams opened for streaming submits").register(registry);
        Gauge.builder("streams.running", streams, StreamRegistry::running)
                .description("streams running now (against streams.max_running)").register(registry);
        Gauge.builder("streams.held", streams, StreamRegistry::size)
                .description("streams held: running, or ended and kept for replay").register(registry);
        FunctionCounter.builder("streams.chunks", stats, StreamStats::chunkCount)
                .description("stream chunks received from the Router and passed to the stream's readers")
                .register(registry);
        FunctionCounter.builder("streams.bytes", stats, StreamStats::byteCount)
                .description("bytes of stream chunk data received from the Router").register(registry);
        stats.bindTo(registry);
    }
}
