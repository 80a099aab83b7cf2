package io.beamline.ipc.gateway.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Local buckets with a clock moved by hand: nothing sleeps. */
class RateLimitGateTest {

    private static final Caller ALICE = new Caller(10, 1000, 1000);
    private static final Caller BOB = new Caller(11, 1001, 1001);

    private final MutableClock clock = new MutableClock();

    /** testkit's clock as the rate limits' clock: both its monotonic and its wall reading are the clock's instant. */
    static RateLimitClock rateLimitClock(MutableClock clock) {
        return new RateLimitClock() {
            @Override
            public long monotonicNanos() {
                return nanos(clock.instant());
            }

            @Override
            public long wallClockNanos() {
                return nanos(clock.instant());
            }

            private static long nanos(Instant t) {
                return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
            }
        };
    }

    private static RateLimitConfig limits(Rate tenant, Rate uid, Map<String, Rate> overrides, int maxKeys) {
        RateLimitConfig off = RateLimitConfig.off();
        return new RateLimitConfig(tenant, uid, overrides, maxKeys, off.redisUrl(), off.redisKeyPrefix(),
                off.redisTimeout(), off.onRedisFailure(), off.fleetTenant());
    }

    private RateLimitGate gate(Rate tenant, Rate uid) {
        return RateLimitGate.create(limits(tenant, uid, Map.of(), 10_000), rateLimitClock(clock));
    }

    private static int admitted(RateLimitGate gate, String tenant, Caller caller, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            if (gate.admit(tenant, caller).isEmpty()) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void aBurstIsAdmittedThenTheNextIsRefusedWithTheBucketsRetryAfter() {
        RateLimitGate gate = gate(Rate.UNLIMITED, Rate.of(10, 3));

        assertThat(admitted(gate, "acme", ALICE, 3)).isEqualTo(3);
        Optional<ErrorBody> refused = gate.admit("acme", ALICE);

        assertThat(refused).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.reason()).isEqualTo("rate_limited");
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfterMs()).as("one token at 10/s").isEqualTo(100L);
            assertThat(e.details().path("limit").asText()).isEqualTo("uid");
            assertThat(e.details().path("rate_per_s").asInt()).isEqualTo(10);
            assertThat(e.details().path("burst").asInt()).isEqualTo(3);
            assertThat(e.message()).contains("per uid").contains("100 ms");
        });
        assertThat(gate.refused(Limit.UID)).isEqualTo(1);
        assertThat(gate.refused(Limit.TENANT)).isZero();
    }

    @Test
    void tokensComeBackAtTheRateAndTheHintShrinksAsTimePasses() {
        RateLimitGate gate = gate(Rate.of(4, 2), Rate.UNLIMITED);
        assertThat(admitted(gate, "acme", ALICE, 2)).isEqualTo(2);

        clock.advance(Duration.ofMillis(100));
        assertThat(gate.admit("acme", ALICE)).get().extracting(ErrorBody::retryAfterMs).isEqualTo(150L);

        clock.advance(Duration.ofMillis(150));
        assertThat(gate.admit("acme", ALICE)).as("one token after 250 ms at 4/s").isEmpty();
        assertThat(gate.admit("acme", ALICE)).isPresent();

        clock.advance(Duration.ofSeconds(10));
        assertThat(admitted(gate, "acme", ALICE, 5)).as("refilled up to the burst, not beyond").isEqualTo(2);
    }

    @Test
    void tenantsAndUidsHaveTheirOwnBuckets() {
        RateLimitGate gate = gate(Rate.of(1, 2), Rate.of(1, 3));

        assertThat(admitted(gate, "acme", ALICE, 5)).isEqualTo(2);
        assertThat(gate.admit("acme", ALICE)).get().satisfies(e ->
                assertThat(e.details().path("limit").asText()).isEqualTo("tenant"));
        // Another tenant of the same uid: the uid has one token left.
        assertThat(gate.admit("beta", ALICE)).isEmpty();
        assertThat(gate.admit("beta", ALICE)).get().satisfies(e ->
                assertThat(e.details().path("limit").asText()).isEqualTo("uid"));
        // Another uid: its own bucket, but the tenant's bucket is shared by every uid.
        assertThat(gate.admit("acme", BOB)).get().satisfies(e ->
                assertThat(e.details().path("limit").asText()).isEqualTo("tenant"));
        assertThat(gate.admit("gamma", BOB)).isEmpty();
    }

    @Test
    void aSubmitRefusedByTheTenantLimitGivesItsUidTokenBack() {
        RateLimitGate gate = gate(Rate.of(1, 1), Rate.of(1, 2));
        assertThat(gate.admit("acme", ALICE)).isEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(gate.admit("acme", ALICE)).get().extracting(e -> e.details().path("limit").asText())
                    .isEqualTo("tenant");
        }
        assertThat(gate.admit("beta", ALICE)).as("the uid still has its second token").isEmpty();
        assertThat(gate.refused(Limit.TENANT)).isEqualTo(5);
    }

    @Test
    void overridesGiveATenantItsOwnRateAndBurstOrNoLimit() {
        RateLimitGate gate = RateLimitGate.create(limits(Rate.of(1, 1), Rate.UNLIMITED,
                Map.of("acme", Rate.of(100, 50), "vip", Rate.UNLIMITED), 10_000), rateLimitClock(clock));

        assertThat(admitted(gate, "other", ALICE, 10)).isEqualTo(1);
        assertThat(admitted(gate, "acme", ALICE, 60)).isEqualTo(50);
        assertThat(gate.admit("acme", ALICE)).get().satisfies(e -> {
            assertThat(e.retryAfterMs()).as("one token at 100/s").isEqualTo(10L);
            assertThat(e.details().path("rate_per_s").asInt()).isEqualTo(100);
        });
        assertThat(admitted(gate, "vip", ALICE, 1000)).isEqualTo(1000);
        assertThat(gate.trackedKeys(Limit.TENANT)).as("nothing kept for an unlimited tenant").isEqualTo(2);
    }

    @Test
    void aFloodOfTenantNamesKeepsAtMostMaxKeysBuckets() {
        RateLimitGate gate = RateLimitGate.create(limits(Rate.of(1, 1), Rate.UNLIMITED, Map.of(), 16),
                rateLimitClock(clock));
        for (int i = 0; i < 5_000; i++) {
            assertThat(gate.admit("tenant-" + i, ALICE)).isEmpty();
        }
        assertThat(gate.trackedKeys(Limit.TENANT)).isBetween(1L, 16L);
    }

    @Test
    void aBusyTenantKeepsItsBucketThroughAFloodOfOneOffNames() {
        RateLimitGate gate = RateLimitGate.create(limits(Rate.of(1, 5), Rate.UNLIMITED, Map.of(), 16),
                rateLimitClock(clock));
        for (int round = 0; round < 50; round++) {
            gate.admit("busy", ALICE);
            for (int i = 0; i < 20; i++) {
                gate.admit("flood-" + round + "-" + i, ALICE);
            }
        }
        // busy asked 50 times with a burst of 5 and no time passing: had its bucket been dropped and made
        // again, it would have been admitted more than 5 times; frequency keeps it.
        assertThat(gate.admit("busy", ALICE)).as("still empty").isPresent();
        assertThat(gate.refused(Limit.TENANT)).isGreaterThanOrEqualTo(45);
    }

    @Test
    void idleBucketsAreDroppedOnceTheyWouldBeFull() {
        RateLimitGate gate = gate(Rate.of(10, 20), Rate.of(5, 5));
        gate.admit("acme", ALICE);
        gate.admit("beta", BOB);
        assertThat(gate.trackedKeys(Limit.TENANT)).isEqualTo(2);
        assertThat(gate.trackedKeys(Limit.UID)).isEqualTo(2);

        clock.advance(Duration.ofMillis(1_900));
        assertThat(gate.trackedKeys(Limit.TENANT)).as("20 tokens at 10/s take 2 s").isEqualTo(2);
        clock.advance(Duration.ofMillis(200));
        assertThat(gate.trackedKeys(Limit.TENANT)).isZero();
        assertThat(gate.trackedKeys(Limit.UID)).isZero();
    }

    @Test
    void withoutLimitsEverythingPassesAndNothingIsKept() {
        RateLimitGate gate = RateLimitGate.create(RateLimitConfig.off(), rateLimitClock(clock));
        assertThat(RateLimitConfig.off().enabled()).isFalse();
        assertThat(admitted(gate, "acme", ALICE, 10_000)).isEqualTo(10_000);
        assertThat(gate.trackedKeys(Limit.TENANT) + gate.trackedKeys(Limit.UID)).isZero();
    }

    @Test
    void theRefusalSaysNothingAboutOtherTenantsOrUids() {
        RateLimitGate gate = gate(Rate.of(1, 1), Rate.UNLIMITED);
        gate.admit("secret-tenant", BOB);
        gate.admit("acme", ALICE);
        ErrorBody e = gate.admit("acme", ALICE).orElseThrow();
        String json = Json.mapper().valueToTree(e).toString();
        assertThat(json).doesNotContain("secret-tenant").doesNotContain("1001").doesNotContain("remaining");
        assertThat(e.details().properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("limit", "rate_per_s", "burst");
    }

    @Test
    void aReloadedRateAppliesToTheNextSubmitAndAnEqualOneKeepsTheBuckets() {
        java.util.concurrent.atomic.AtomicReference<RateLimitConfig> live = new java.util.concurrent.atomic.AtomicReference<>(
                limits(Rate.UNLIMITED, Rate.of(10, 3), Map.of(), 10_000));
        RateLimitGate gate = RateLimitGate.create(live::get, rateLimitClock(clock));
        assertThat(admitted(gate, "acme", ALICE, 2)).isEqualTo(2);

        live.set(limits(Rate.UNLIMITED, Rate.of(10, 3), Map.of(), 10_000)); // a reload that changed other settings
        assertThat(admitted(gate, "acme", ALICE, 5)).as("the same bucket: 1 token left").isEqualTo(1);

        live.set(limits(Rate.UNLIMITED, Rate.of(1, 1), Map.of(), 10_000)); // a reload that lowered the rate
        assertThat(admitted(gate, "acme", ALICE, 5)).as("a new bucket of the new size").isEqualTo(1);
        ErrorBody refused = gate.admit("acme", ALICE).orElseThrow();
        assertThat(refused.details().path("burst").asInt()).isEqualTo(1);

        live.set(limits(Rate.UNLIMITED, Rate.UNLIMITED, Map.of(), 10_000)); // switched off
        assertThat(admitted(gate, "acme", ALICE, 50)).isEqualTo(50);
    }
}
