package io.beamline.ipc.gateway.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks this gateway knows, bounded: at most {@code maxSize} entries, and a finished task is forgotten
 * {@code ttl} after it finished (time from the injected clock). When full, the oldest finished task makes
 * room; a registry full of pending tasks refuses new ones. Pending tasks are never evicted: their own
 * deadline ends them. Status moves once, from PENDING to a final status; the first mover wins.
 *
 * <p>A task id stays in use while its task is pending or its outcome stands: a decision, or an error that
 * retrying would not change. A task that ended with a retryable error
 * ({@link io.beamline.ipc.protocol.ErrorBody#retryable()}: no NATS, a timeout, the Router unavailable, …) frees
 * its id at once, so the client's retry with the same id is served; the new task replaces the old entry.
 */
public final class TaskRegistry {

    /** What TASK_CANCEL found: {@code cancelledNow} when this call ended a pending task. */
    public record Cancellation(boolean cancelledNow, TaskSnapshot task) {
    }

    /** Why a task could not be registered. */
    public enum Refusal { DUPLICATE_ID, FULL }

    private static final class Entry {
        final String taskId;
        final String traceId;
        final long createdMs;
        final Runnable abort;
        TaskStatus status = TaskStatus.PENDING;
        TaskOutcome outcome;
        long finishedMs;

        Entry(String taskId, String traceId, long createdMs, Runnable abort) {
            this.taskId = taskId;
            this.traceId = traceId;
            this.createdMs = createdMs;
            this.abort = abort;
        }

        /** Ended with a retryable error: the id is free for the client's retry. */
        boolean freedForRetry() {
            return outcome instanceof TaskOutcome.Failed f && f.error().retryable();
        }

        TaskSnapshot snapshot() {
            return new TaskSnapshot(taskId, traceId, status, Optional.ofNullable(outcome),
                    Instant.ofEpochMilli(createdMs), status == TaskStatus.PENDING ? null : Instant.ofEpochMilli(finishedMs));
        }
    }

    private final int maxSize;
    private final long ttlMs;
    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();
    /**
     * Finished entries in finish order = expiry order (one TTL for all). An entry that a retry replaced stays
     * queued until it reaches the head and is skipped there (it is no longer the one {@link #entries} holds);
     * {@link #stale} counts those, and the queue is swept when they outnumber the registry's size.
     */
    private final ArrayDeque<Entry> finished = new ArrayDeque<>();
    private int stale;

    public TaskRegistry(int maxSize, Duration ttl, Clock clock) {
        this.maxSize = maxSize;
        this.ttlMs = ttl.toMillis();
        this.clock = clock;
    }

    /**
     * Records a new pending task. An id is refused while a task holds it (see the class comment); a task that
     * ended with a retryable error is replaced.
     *
     * @param abort run (outside the registry's lock) when the task is cancelled while pending
     * @return empty when registered, else why not
     */
    public synchronized Optional<Refusal> register(String taskId, String traceId, Runnable abort) {
        long now = clock.millis();
        expire(now);
        Entry existing = entries.get(taskId);
        if (existing != null) {
            if (!existing.freedForRetry()) {
                return Optional.of(Refusal.DUPLICATE_ID);
            }
            entries.remove(taskId);
            replaced();
        }
        if (entries.size() >= maxSize) {
            Entry oldest = oldestFinished();
            if (oldest == null) {
                return Optional.of(Refusal.FULL);
            }
            entries.remove(oldest.taskId);
        }
        entries.put(taskId, new Entry(taskId, traceId, now, abort));
        return Optional.empty();
    }

    /**
     * Moves a pending task to its outcome's final status.
     *
     * @return true if this call finished it; false if it was already final or is unknown
     */
    public boolean finish(String taskId, TaskOutcome outcome) {
        return finishEntry(taskId, outcome) != null;
    }

    /**
     * Cancels a pending task: it ends with {@code cancelled} (a CANCELLED outcome) and its abort action runs.
     *
     * @return the task after the call; empty if unknown
     */
    public Optional<Cancellation> cancel(String taskId, TaskOutcome cancelled) {
        if (cancelled.status() != TaskStatus.CANCELLED) {
            throw new IllegalArgumentException("not a cancellation: " + cancelled);
        }
        Entry e = finishEntry(taskId, cancelled);
        if (e != null) {
            e.abort.run();
            return Optional.of(new Cancellation(true, snapshotOf(e)));
        }
        return get(taskId).map(t -> new Cancellation(false, t));
    }

    public synchronized Optional<TaskSnapshot> get(String taskId) {
        expire(clock.millis());
        return Optional.ofNullable(entries.get(taskId)).map(Entry::snapshot);
    }

    public synchronized int size() {
        expire(clock.millis());
        return entries.size();
    }

    public synchronized long pending() {
        return entries.values().stream().filter(e -> e.status == TaskStatus.PENDING).count();
    }

    private synchronized TaskSnapshot snapshotOf(Entry e) {
        return e.snapshot();
    }

    private synchronized Entry finishEntry(String taskId, TaskOutcome outcome) {
        Entry e = entries.get(taskId);
        if (e == null || e.status != TaskStatus.PENDING) {
            return null;
        }
        e.status = outcome.status();
        e.outcome = outcome;
        e.finishedMs = clock.millis();
        finished.addLast(e);
        return e;
    }

    private boolean current(Entry e) {
        return entries.get(e.taskId) == e;
    }

    /** Takes the oldest finished entry still held out of the queue; null when there is none. */
    private Entry oldestFinished() {
        for (Entry e = finished.pollFirst(); e != null; e = finished.pollFirst()) {
            if (current(e)) {
                return e;
            }
            stale--;
        }
        return null;
    }

    private void replaced() {
        if (++stale > maxSize) {
            finished.removeIf(e -> !current(e));
            stale = 0;
        }
    }

    private void expire(long now) {
        for (Entry head = finished.peekFirst(); head != null && now - head.finishedMs >= ttlMs; head = finished.peekFirst()) {
            finished.pollFirst();
            if (current(head)) {
                entries.remove(head.taskId);
            } else {
                stale--;
            }
        }
    }
}
