package io.beamline.ipc.router.decide;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A bounded map whose entries expire: the oldest entry goes when it is full, so memory stays bounded
 * whatever the clients send. Thread-safe; operations are O(1) under one lock.
 */
public final class ExpiringCache<K, V> {

    private record Slot<V>(V value, long expiresAtMs) {
    }

    private final int maxEntries;
    private final LongSupplier nowMs;
    private final LinkedHashMap<K, Slot<V>> map;

    public ExpiringCache(int maxEntries, LongSupplier nowMs) {
        this.maxEntries = maxEntries;
        this.nowMs = nowMs;
        this.map = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Slot<V>> eldest) {
                return size() > ExpiringCache.this.maxEntries;
            }
        };
    }

    /** The live value, or null if absent or expired. */
    public synchronized V get(K key) {
        Slot<V> e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expiresAtMs() <= nowMs.getAsLong()) {
            map.remove(key);
            return null;
        }
        return e.value();
    }

    /** Stores (or refreshes) the value for {@code ttlMs}. */
    public synchronized void put(K key, V value, long ttlMs) {
        map.remove(key); // re-insert so that insertion order tracks the latest write
        map.put(key, new Slot<>(value, nowMs.getAsLong() + ttlMs));
    }

    /** Stores the value unless a live one exists; returns the value that is now stored. */
    public synchronized V putIfAbsent(K key, V value, long ttlMs) {
        V existing = get(key);
        if (existing != null) {
            return existing;
        }
        map.put(key, new Slot<>(value, nowMs.getAsLong() + ttlMs));
        return value;
    }

    /** Removes the entry; true if a live one was there. */
    public synchronized boolean remove(K key) {
        Slot<V> e = map.remove(key);
        return e != null && e.expiresAtMs() > nowMs.getAsLong();
    }

    public synchronized int size() {
        return map.size();
    }
}
