package io.beamline.ipc.gateway.resilience.ratelimit;

import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.util.JedisURIHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each tenant's bucket shared in Redis by every gateway that uses the same Redis and key prefix (Bucket4j's
 * compare-and-swap over Jedis: one GET and one EVAL per submit, more only under contention).
 *
 * <p>This runs on the gateway's event loop, so every Redis call is bounded by {@code timeout}: connecting,
 * reading a reply and waiting for a pooled connection. After a failure Redis is not asked again for
 * {@link #DOWN_FOR}: while it is down, at most one submit per {@code DOWN_FOR} waits (at most about two
 * timeouts, connect then read), and the others are decided at once by the failure behaviour.
 * Keys expire once their bucket would be full again, so idle tenants leave nothing in Redis.
 */
final class FleetBuckets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetBuckets.class);

    /** How long Redis is left alone after a failure. */
    static final Duration DOWN_FOR = Duration.ofSeconds(1);

    /** What asking the fleet bucket gave. */
    sealed interface Answer {
    }

    record Taken() implements Answer {
    }

    record Refused(long nanosToWait) implements Answer {
    }

    /** Redis failed now, or failed recently and was not asked; {@code retryAfterNanos} until it is asked again. */
    record Unavailable(long retryAfterNanos, String why) implements Answer {
    }

    private static final Answer TAKEN = new Taken();

    private final JedisPool pool;
    private final ProxyManager<String> buckets;
    private final BucketConfiguration configuration;
    private final String keyPrefix;
    private final RateLimitClock clock;
    /** Monotonic time until which Redis is not asked; 0 when it is up. */
    private final AtomicLong downUntil = new AtomicLong();

    FleetBuckets(URI url, String keyPrefix, Duration timeout, Rate rate, RateLimitClock clock) {
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        int millis = Math.toIntExact(timeout.toMillis());
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(16);
        poolConfig.setMaxIdle(16);
        poolConfig.setMinIdle(0);
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setMaxWait(timeout);
        poolConfig.setJmxEnabled(false);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .clientName("beamline-ipc-gateway")
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (JedisURIHelper.getUser(url) != null) {
            client.user(JedisURIHelper.getUser(url));
        }
        if (JedisURIHelper.getPassword(url) != null) {
            client.password(JedisURIHelper.getPassword(url));
        }
        if (JedisURIHelper.hasDbIndex(url)) {
            client.database(JedisURIHelper.getDBIndex(url));
        }
        this.pool = new JedisPool(poolConfig, JedisURIHelper.getHostAndPort(url), client.build());
        this.buckets = Bucket4jJedis.casBasedBuilder(pool)
                .keyMapper(Mapper.STRING)
                .clientClock(clock.wallClockMeter())
                .requestTimeout(timeout)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(1)))
                .build();
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(rate.burst()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1)))
                .build();
    }

    Answer tryTake(String tenantId) {
        long now = clock.monotonicNanos();
        long until = downUntil.get();
        if (until != 0 && now - until < 0) {
            return new Unavailable(until - now, "Redis failed recently");
        }
        try {
            ConsumptionProbe probe = buckets.getProxy(key(tenantId), () -> configuration)
                    .tryConsumeAndReturnRemaining(1);
            if (until != 0 && downUntil.compareAndSet(until, 0)) {
                LOG.info("fleet rate limit: Redis answers again");
            }
            return probe.isConsumed() ? TAKEN : new Refused(probe.getNanosToWaitForRefill());
        } catch (RuntimeException e) {
            long next = clock.monotonicNanos() + DOWN_FOR.toNanos();
            if (downUntil.getAndSet(next == 0 ? 1 : next) == 0) {
                LOG.warn("fleet rate limit: Redis failed ({}); not asked again for {} ms", describe(e),
                        DOWN_FOR.toMillis());
            }
            return new Unavailable(DOWN_FOR.toNanos(), describe(e));
        }
    }

    /** The Redis key of a tenant's bucket. */
    String key(String tenantId) {
        return keyPrefix + "tenant:" + tenantId;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + (root != e ? " / " + root.getClass().getSimpleName() : "")
                + ": " + root.getMessage();
    }

    @Override
    public void close() {
        pool.close();
    }
}
