package io.beamline.ipc.router.service;

import io.beamline.ipc.router.decide.ExpiringCache;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The decide replies of recent successful decisions by request_id, for {@code get_decision}; kept for a TTL,
 * bounded in count, and replies larger than {@link #MAX_REPLY_BYTES} are not kept, so memory stays bounded.
 */
final class DecisionLog {

    static final int MAX_REPLY_BYTES = 64 * 1024;

    record Entry(String tenantId, byte[] reply) {
    }

    private final ExpiringCache<String, Entry> entries;
    private final long ttlMs;

    DecisionLog(int maxEntries, Duration ttl, LongSupplier nowMs) {
        this.entries = new ExpiringCache<>(maxEntries, nowMs);
        this.ttlMs = ttl.toMillis();
    }

    void record(String requestId, String tenantId, byte[] reply) {
        if (reply.length <= MAX_REPLY_BYTES) {
            entries.put(requestId, new Entry(tenantId, reply), ttlMs);
        }
    }

    /** The stored reply, or null; with a tenant given, only that tenant's decision. */
    Entry find(String requestId, String tenantId) {
        Entry e = entries.get(requestId);
        return e == null || (tenantId != null && !tenantId.equals(e.tenantId())) ? null : e;
    }

    boolean forget(String requestId, String tenantId) {
        return find(requestId, tenantId) != null && entries.remove(requestId);
    }
}
