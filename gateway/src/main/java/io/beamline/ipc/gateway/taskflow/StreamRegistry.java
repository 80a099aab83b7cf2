package io.beamline.ipc.gateway.taskflow;

import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams this gateway holds, by task id: running ones, and ended ones for {@code streams.replay_ttl_ms}
 * (a client that comes back may still read them). One timer thread serves every stream's idle check.
 */
final class StreamRegistry implements AutoCloseable {

    /** A stream and the uid that submitted its task: only that uid may subscribe to it. */
    record Entry(RoutedStream stream, int uid) {
    }

    private final Map<String, Entry> streams = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final StreamStats stats = new StreamStats();
    /** Ended streams in end order, so the oldest can be forgotten first (streams.replay_max_ended). */
    private final ArrayDeque<Map.Entry<String, Entry>> ended = new ArrayDeque<>();
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

    /**
     * A new stream for a task whose id is registered as pending (so it can only replace an ended stream);
     * empty when {@code streams.max_running} streams run already.
     */
    Optional<RoutedStream> open(String taskId, String traceId, int uid) {
        if (running.incrementAndGet() > config.maxRunning()) {
            running.decrementAndGet();
            return Optional.empty();
        }
        Entry[] entry = new Entry[1];
        RoutedStream stream = new RoutedStream(taskId, traceId, config, notices, timers, System::nanoTime,
                () -> ended(taskId, entry[0]), stats);
        entry[0] = new Entry(stream, uid);
        streams.put(taskId, entry[0]);
        stats.opened();
        return Optional.of(stream);
    }

    Optional<Entry> find(String taskId) {
        return Optional.ofNullable(streams.get(taskId));
    }

    /** Streams held, running or ended. */
    int size() {
        return streams.size();
    }

    int running() {
        return running.get();
    }

    StreamStats stats() {
        return stats;
    }

    /** Kept for replay until streams.replay_ttl_ms has passed or streams.replay_max_ended newer ones ended. */
    private void ended(String taskId, Entry entry) {
        running.decrementAndGet();
        synchronized (ended) {
            ended.add(Map.entry(taskId, entry));
            while (ended.size() > config.replayMaxEnded()) {
                var oldest = ended.poll();
                streams.remove(oldest.getKey(), oldest.getValue());
            }
        }
        timers.schedule(() -> streams.remove(taskId, entry), config.replayTtl().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        streams.values().forEach(e -> e.stream().cancel("the gateway is shutting down"));
        timers.shutdownNow();
    }
}
