package io.beamline.ipc.router.service;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.ReplyContext;
import io.beamline.ipc.router.decide.ExpiringCache;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The decide replies sent for recent requests by request_id, for {@code get_decision}: successful decisions
 * and cancellations (a request answered {@code cancelled} before its own reply went out). Kept for a TTL,
 * bounded in count, and replies larger than {@link #MAX_REPLY_BYTES} are not kept, so memory stays bounded.
 */
final class DecisionLog {

    static final int MAX_REPLY_BYTES = 64 * 1024;

    /**
     * @param error   null for a decision; the {@code cancelled} error of a cancellation (for its headers)
     * @param context the reply's context, for the headers of a cancellation
     */
    record Entry(String tenantId, byte[] reply, ContractError error, ReplyContext context) {
        boolean cancelled() {
            return error != null;
        }
    }

    private final ExpiringCache<String, Entry> entries;
    private final long ttlMs;

    DecisionLog(int maxEntries, Duration ttl, LongSupplier nowMs) {
        this.entries = new ExpiringCache<>(maxEntries, nowMs);
        this.ttlMs = ttl.toMillis();
    }

    void record(String requestId, String tenantId, byte[] reply) {
        put(requestId, new Entry(tenantId, reply, null, null));
    }

    void recordCancelled(String requestId, String tenantId, byte[] reply, ContractError error,
                         ReplyContext context) {
        put(requestId, new Entry(tenantId, reply, error, context));
    }

    /** The stored reply, or null; with a tenant given, only that tenant's. */
    Entry find(String requestId, String tenantId) {
        Entry e = entries.get(requestId);
        return e == null || (tenantId != null && !tenantId.equals(e.tenantId())) ? null : e;
    }

    private void put(String requestId, Entry entry) {
        if (entry.reply().length <= MAX_REPLY_BYTES) {
            entries.put(requestId, entry, ttlMs);
        }
    }
}
