package io.beamline.ipc.gateway.taskflow;

import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The streams this gateway holds, by task id: running ones, and ended ones for {@code streams.replay_ttl_ms}
 * (a client that comes back may still read them). One timer thread serves every stream's idle check.
 */
final class StreamRegistry implements AutoCloseable {

    /** A stream and the uid that submitted its task: only that uid may subscribe to it. */
    record Entry(RoutedStream stream, int uid) {
    }

    private final Map<String, Entry> streams = new ConcurrentHashMap<>();
    private final StreamsConfig config;
    private final CancelNotices notices;
    private final ScheduledThreadPoolExecutor timers;

    StreamRegistry(StreamsConfig config, CancelNotices notices) {
        this.config = config;
        this.notices = notices;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "stream-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    /** A new stream for a task; the task id is unique among pending tasks, so it replaces an ended stream. */
    RoutedStream open(String taskId, String traceId, int uid) {
        RoutedStream[] made = new RoutedStream[1];
        made[0] = new RoutedStream(taskId, traceId, config, notices, timers, System::nanoTime,
                () -> forgetLater(taskId, made[0]));
        streams.put(taskId, new Entry(made[0], uid));
        return made[0];
    }

    Optional<Entry> find(String taskId) {
        return Optional.ofNullable(streams.get(taskId));
    }

    int size() {
        return streams.size();
    }

    private void forgetLater(String taskId, RoutedStream stream) {
        timers.schedule(() -> streams.computeIfPresent(taskId, (id, e) -> e.stream() == stream ? null : e),
                config.replayTtl().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        streams.values().forEach(e -> e.stream().cancel("the gateway is shutting down"));
        timers.shutdownNow();
    }
}
