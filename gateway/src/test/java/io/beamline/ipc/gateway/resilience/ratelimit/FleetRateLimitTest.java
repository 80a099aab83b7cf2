package io.beamline.ipc.gateway.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.config.RateLimitConfig.OnRedisFailure;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.testkit.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Fleet-wide buckets against the real Redis at 127.0.0.1:6379 (shared: every key of a run has its own
 * prefix and is deleted at the end), and Redis failures on loopback ports this test holds: one that refuses
 * connections, one that accepts them and never answers.
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
        RateLimitGate g = gate(URI.create("redis://127.0.0.1:" + refusingPort()), Rate.of(1, 1), Rate.UNLIMITED,
                OnRedisFailure.FAIL_OPEN, Duration.ofMillis(50));

        assertThat(g.admit("acme", ALICE)).isEmpty();
        assertThat(g.admit("acme", ALICE)).as("not limited while Redis is down").isEmpty();
        assertThat(g.redisFailures(OnRedisFailure.FAIL_OPEN)).isEqualTo(2);
        assertThat(g.redisFailures(OnRedisFailure.FAIL_CLOSED)).isZero();
        assertThat(g.refused(Limit.FLEET_TENANT)).isZero();
    }

    @Test
    void redisDownFailClosedRefusesWithUnavailableAndCounts() throws Exception {
        RateLimitGate g = gate(URI.create("redis://127.0.0.1:" + refusingPort()), Rate.of(1, 1), Rate.of(1, 1),
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
        // Connections are accepted and never answered: the worst kind of dead. The server counts them.
        try (SilentServer silent = new SilentServer()) {
            RateLimitGate g = gate(URI.create("redis://127.0.0.1:" + silent.port()), Rate.of(1, 1),
                    Rate.UNLIMITED, OnRedisFailure.FAIL_OPEN, Duration.ofMillis(50));

            long t0 = System.nanoTime();
            assertThat(g.admit("acme", ALICE)).isEmpty();
            // Far above the 50 ms timeout (a busy machine), below the 2 s a Jedis socket waits by default.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("bounded by the configured timeout")
                    .isLessThan(Duration.ofMillis(1500));
            long asked = silent.connectionsSoFar();
            assertThat(asked).as("Redis was asked").isPositive();

            // The clock does not move: all of this is within DOWN_FOR, however long it takes.
            for (int i = 0; i < 100; i++) {
                assertThat(g.admit("acme", ALICE)).isEmpty();
            }
            assertThat(g.redisFailures(OnRedisFailure.FAIL_OPEN)).isEqualTo(101);
            assertThat(silent.connectionsSoFar()).as("Redis not asked again within DOWN_FOR").isEqualTo(asked);

            clock.advance(FleetBuckets.DOWN_FOR);
            assertThat(g.admit("acme", ALICE)).isEmpty();
            assertThat(g.redisFailures(OnRedisFailure.FAIL_OPEN)).isEqualTo(102);
            assertThat(silent.connectionsSoFar()).as("asked again after DOWN_FOR").isGreaterThan(asked);
        }
    }

    /**
     * A loopback port bound (not listening) by this test until it ends: connecting is refused, and no other
     * socket can take the port meanwhile (this one does not allow address reuse).
     */
    private int refusingPort() throws IOException {
        Socket holder = new Socket();
        closing.add(holder);
        holder.setReuseAddress(false);
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return holder.getLocalPort();
    }

    /** A TCP server on loopback that accepts connections, keeps them open and never answers; counts them. */
    private static final class SilentServer implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        /** Remote ports of accepted connections, in accept order (the kernel's accept queue is FIFO). */
        private final List<Integer> accepted = new CopyOnWriteArrayList<>();
        private final Set<Integer> markers = ConcurrentHashMap.newKeySet();
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            acceptor = Thread.ofPlatform().daemon().name("silent-redis").start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        open.add(s);
                        accepted.add(s.getPort());
                    }
                } catch (IOException closed) {
                    // close() ends the loop
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        /**
         * Connections made to it so far by others. A marker connection of the test's own goes into the accept
         * queue behind every connection already made; once it is accepted, so are they.
         */
        long connectionsSoFar() throws IOException {
            try (Socket marker = new Socket(InetAddress.getLoopbackAddress(), port())) {
                int markerPort = marker.getLocalPort();
                markers.add(markerPort);
                await().atMost(Duration.ofSeconds(10)).until(() -> accepted.contains(markerPort));
            }
            return accepted.stream().filter(p -> !markers.contains(p)).count();
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(Duration.ofSeconds(5));
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
