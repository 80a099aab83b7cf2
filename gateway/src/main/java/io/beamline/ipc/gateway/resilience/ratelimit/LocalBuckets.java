package io.beamline.ipc.gateway.resilience.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.function.Function;

/**
 * One token bucket per key (tenant or uid), made on first use, in a bounded map.
 *
 * <p>Tenants come from the client's payload, so a client can name a new one with every submit: the map is
 * a Caffeine cache of at most {@code maxKeys} buckets. Its admission policy (W-TinyLFU) keeps keys that are
 * used often over a flood of keys seen once, so such a flood neither grows memory nor easily resets the
 * bucket of a tenant that is actually busy (a bucket dropped and made again starts full). A bucket idle for
 * longer than it takes to fill is full anyway, so it is dropped after that time ({@code idle}) at no loss.
 * Maintenance runs on the calling thread: no pool threads, no timers.
 */
final class LocalBuckets<K> {

    private record Entry(Bucket bucket, Rate rate) {
    }

    private final Cache<K, Entry> buckets;
    private final Function<K, Rate> rateOf;
    private final RateLimitClock clock;

    LocalBuckets(int maxKeys, Duration idle, Function<K, Rate> rateOf, RateLimitClock clock) {
        this.rateOf = rateOf;
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(idle)
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    /** @return the probe of taking one token, or null when the key has no limit (nothing is kept for it) */
    ConsumptionProbe tryTake(K key) {
        Rate rate = rateOf.apply(key);
        if (!rate.limited()) {
            return null;
        }
        return buckets.get(key, k -> new Entry(newBucket(rate), rate)).bucket().tryConsumeAndReturnRemaining(1);
    }

    /** A later limit refused the submit: the token taken for it is given back. */
    void giveBack(K key) {
        Entry e = buckets.getIfPresent(key);
        if (e != null) {
            e.bucket().addTokens(1);
        }
    }

    Rate rateOf(K key) {
        return rateOf.apply(key);
    }

    /** Buckets kept now, after pending evictions ran. */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private Bucket newBucket(Rate rate) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(rate.burst()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1)))
                .withCustomTimePrecision(clock.monotonicMeter())
                .build();
    }

    /** Time for the largest of these buckets to fill from empty, at least a second: longer idle is full. */
    static Duration timeToFill(Iterable<Rate> rates) {
        long nanos = Duration.ofSeconds(1).toNanos();
        for (Rate r : rates) {
            if (r.limited()) {
                nanos = Math.max(nanos, Math.ceilDiv(r.burst() * 1_000_000_000L, r.perSecond()));
            }
        }
        return Duration.ofNanos(nanos);
    }
}
