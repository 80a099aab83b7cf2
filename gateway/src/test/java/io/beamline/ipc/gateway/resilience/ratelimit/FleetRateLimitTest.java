package io.beamline.ipc.gateway.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.config.RateLimitConfig.OnRedisFailure;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.testkit.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Fleet-wide buckets against the real Redis at 127.0.0.1:6379 (shared: every key of a run has its own
 * prefix and is deleted at the end), and Redis failures on loopback ports where no Redis answers.
 */
class FleetRateLimitTest {

    private static final URI REDIS = URI.create("redis://127.0.0.1:6379");
    private static final Caller ALICE = new Caller(10, 1000, 1000);

    private final String prefix = "beamline-test:ratelimit:" + UUID.randomUUID() + ":";
    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        try (Jedis redis = new Jedis(REDIS.getHost(), REDIS.getPort())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
                page.getResult().forEach(redis::del);
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(redis.keys(prefix + "*")).isEmpty();
        }
    }

    private RateLimitGate gate(URI redis, Rate fleet, Rate uid, OnRedisFailure onFailure, Duration timeout) {
        RateLimitConfig off = RateLimitConfig.off();
        RateLimitGate g = RateLimitGate.create(new RateLimitConfig(Rate.UNLIMITED, uid, Map.of(), off.maxKeys(),
                Optional.of(redis), prefix, timeout, onFailure, fleet), RateLimitGateTest.rateLimitClock(clock));
        closing.add(g);
        return g;
    }

    private RateLimitGate gate(Rate fleet) {
        return gate(REDIS, fleet, Rate.UNLIMITED, OnRedisFailure.FAIL_CLOSED, Duration.ofMillis(200));
    }

    @Test
    void twoGatewaysShareOneFleetBucket() throws Exception {
        RateLimitGate a = gate(Rate.of(1, 10));
        RateLimitGate b = gate(Rate.of(1, 10));
        AtomicInteger admitted = new AtomicInteger();
        List<ErrorBody> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (RateLimitGate g : List.of(a, b)) {
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 25; i++) {
                    g.admit("acme", ALICE).ifPresentOrElse(refusals::add, admitted::incrementAndGet);
                }
            }));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();

        // The clock does not move: exactly the burst is admitted, whichever gateway asked.
        assertThat(admitted.get()).isEqualTo(10);
        assertThat(refusals).hasSize(40).allSatisfy(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            assertThat(e.details().path("limit").asText()).isEqualTo("fleet_tenant");
            assertThat(e.retryAfterMs()).as("one token at 1/s").isEqualTo(1000L);
        });
        assertThat(a.refused(Limit.FLEET_TENANT) + b.refused(Limit.FLEET_TENANT)).isEqualTo(40);
        assertThat(a.redisFailures(OnRedisFailure.FAIL_CLOSED) + b.redisFailures(OnRedisFailure.FAIL_CLOSED)).isZero();

        // Another tenant has its own fleet bucket; time refills the shared one for both gateways.
        assertThat(b.admit("beta", ALICE)).isEmpty();
        clock.advance(Duration.ofMillis(1000));
        assertThat(a.admit("acme", ALICE)).isEmpty();
        assertThat(b.admit("acme", ALICE)).isPresent();
        try (Jedis redis = new Jedis(REDIS.getHost(), REDIS.getPort())) {
            assertThat(redis.exists(prefix + "tenant:acme")).isTrue();
            assertThat(redis.pttl(prefix + "tenant:acme")).as("keys expire once the bucket would be full").isPositive();
        }
    }

    @Test
    void aFleetRefusalGivesTheLocalTokensBack() {
        RateLimitGate g = gate(REDIS, Rate.of(1, 1), Rate.of(1, 2), OnRedisFailure.FAIL_CLOSED,
                Duration.ofMillis(200));
        assertThat(g.admit("acme", ALICE)).isEmpty();
        assertThat(g.admit("acme", ALICE)).get().extracting(e -> e.details().path("limit").asText())
                .isEqualTo("fleet_tenant");
        assertThat(g.admit("beta", ALICE)).as("the uid's second token was given back").isEmpty();
        assertThat(g.admit("gamma", ALICE)).get().extracting(e -> e.details().path("limit").asText())
                .isEqualTo("uid");
    }

    @Test
    void redisDownFailOpenAdmitsAndCounts() throws Exception {
        RateLimitGate g = gate(URI.create("redis://127.0.0.1:" + freePort()), Rate.of(1, 1), Rate.UNLIMITED,
                OnRedisFailure.FAIL_OPEN, Duration.ofMillis(50));

        assertThat(g.admit("acme", ALICE)).isEmpty();
        assertThat(g.admit("acme", ALICE)).as("not limited while Redis is down").isEmpty();
        assertThat(g.redisFailures(OnRedisFailure.FAIL_OPEN)).isEqualTo(2);
        assertThat(g.redisFailures(OnRedisFailure.FAIL_CLOSED)).isZero();
        assertThat(g.refused(Limit.FLEET_TENANT)).isZero();
    }

    @Test
    void redisDownFailClosedRefusesWithUnavailableAndCounts() throws Exception {
        RateLimitGate g = gate(URI.create("redis://127.0.0.1:" + freePort()), Rate.of(1, 1), Rate.of(1, 1),
                OnRedisFailure.FAIL_CLOSED, Duration.ofMillis(50));

        for (int i = 0; i < 3; i++) {
            // The uid's single token is given back each time: always the Redis refusal, never the uid's.
            assertThat(g.admit("acme", ALICE)).hasValueSatisfying(e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.reason()).isEqualTo("rate_limit_unavailable");
                assertThat(e.retryable()).isTrue();
                assertThat(e.retryAfterMs()).isBetween(1L, FleetBuckets.DOWN_FOR.toMillis());
            });
        }
        assertThat(g.redisFailures(OnRedisFailure.FAIL_CLOSED)).isEqualTo(3);
        assertThat(g.refused(Limit.UID)).isZero();
    }

    @Test
    void aRedisThatNeverAnswersCostsOneTimeoutThenIsLeftAloneForAWhile() throws Exception {
        // Connections are accepted by the kernel (backlog) and never answered: the worst kind of dead.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RateLimitGate g = gate(URI.create("redis://127.0.0.1:" + silent.getLocalPort()), Rate.of(1, 1),
                    Rate.UNLIMITED, OnRedisFailure.FAIL_OPEN, Duration.ofMillis(50));

            long t0 = System.nanoTime();
            assertThat(g.admit("acme", ALICE)).isEmpty();
            long first = System.nanoTime() - t0;
            t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                assertThat(g.admit("acme", ALICE)).isEmpty();
            }
            long next100 = System.nanoTime() - t0;

            assertThat(Duration.ofNanos(first)).as("bounded by the timeout").isLessThan(Duration.ofMillis(500));
            assertThat(Duration.ofNanos(next100)).as("Redis not asked again within DOWN_FOR")
                    .isLessThan(Duration.ofMillis(50));
            assertThat(g.redisFailures(OnRedisFailure.FAIL_OPEN)).isEqualTo(101);

            clock.advance(FleetBuckets.DOWN_FOR);
            t0 = System.nanoTime();
            assertThat(g.admit("acme", ALICE)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("asked again after DOWN_FOR: one more timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(40));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
