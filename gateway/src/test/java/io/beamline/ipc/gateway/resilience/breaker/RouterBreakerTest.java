package io.beamline.ipc.gateway.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.BreakerConfig;
import io.beamline.ipc.testkit.MutableClock;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.resilience.SubmitOutcome.Kind;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterBreakerTest {

    private final MutableClock clock = new MutableClock();
    private final RouterBreaker breaker = new RouterBreaker(BreakerConfig.DEFAULT, clock);

    private void calls(int n, Kind kind) {
        for (int i = 0; i < n; i++) {
            assertThat(breaker.admit("t", Caller.UNKNOWN)).as("admitted").isEmpty();
            breaker.ended(new SubmitOutcome(kind, 1_000_000));
        }
    }

    private Optional<ErrorBody> admit() {
        return breaker.admit("t", Caller.UNKNOWN);
    }

    @Test
    void defaultsSuitBurstyLocalTraffic() {
        assertThat(BreakerConfig.DEFAULT).isEqualTo(new BreakerConfig(20, 10, 50, Duration.ofSeconds(5), 3,
                Duration.ofSeconds(1)));
    }

    @Test
    void opensAtHalfFailuresOnceTheMinimumIsReachedAndAnswersCircuitOpenWithTheTimeLeft() {
        calls(5, Kind.ROUTER_ANSWERED);
        calls(4, Kind.ROUTER_FAILED);
        assertThat(breaker.state()).as("9 calls: below the minimum of 10").isEqualTo(State.CLOSED);
        calls(1, Kind.ROUTER_FAILED);
        assertThat(breaker.state()).as("5 of 10 failed").isEqualTo(State.OPEN);
        assertThat(breaker.stateCode()).isEqualTo(1);

        ErrorBody refused = admit().orElseThrow();
        assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("circuit_open");
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.retryAfterMs()).isEqualTo(5000L);

        clock.advance(Duration.ofMillis(3200));
        assertThat(admit().orElseThrow().retryAfterMs()).isEqualTo(1800L);
        assertThat(breaker.refused()).isEqualTo(2);
        assertThat(breaker.openedCount()).isEqualTo(1);
    }

    @Test
    void routerAnswersBelow500AndIgnoredCallsNeverOpenIt() {
        calls(15, Kind.ROUTER_ANSWERED);
        calls(30, Kind.IGNORED);
        calls(9, Kind.ROUTER_FAILED);
        assertThat(breaker.state()).as("9 failures in the last 20 counted calls").isEqualTo(State.CLOSED);
        calls(1, Kind.ROUTER_FAILED);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void afterTheWaitProbesGoThroughAndSuccessfulProbesCloseIt() {
        calls(10, Kind.ROUTER_FAILED);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofMillis(5001));

        assertThat(admit()).isEmpty();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.stateCode()).isEqualTo(2);
        assertThat(admit()).isEmpty();
        assertThat(admit()).isEmpty();
        ErrorBody busy = admit().orElseThrow();
        assertThat(busy.reason()).isEqualTo("circuit_open");
        assertThat(busy.retryAfterMs()).isEqualTo(RouterBreaker.HALF_OPEN_RETRY_AFTER_MS);

        for (int i = 0; i < 3; i++) {
            breaker.ended(new SubmitOutcome(Kind.ROUTER_ANSWERED, 1));
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(admit()).isEmpty();
    }

    @Test
    void failedProbesOpenItAgainForTheFullWait() {
        calls(10, Kind.ROUTER_FAILED);
        clock.advance(Duration.ofMillis(5001));
        calls(3, Kind.ROUTER_FAILED);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(admit().orElseThrow().retryAfterMs()).isEqualTo(5000L);
        assertThat(breaker.openedCount()).isEqualTo(2);
    }

    @Test
    void aProbeNotSentGivesItsPermitBack() {
        calls(10, Kind.ROUTER_FAILED);
        clock.advance(Duration.ofMillis(5001));
        for (int i = 0; i < 3; i++) {
            assertThat(admit()).isEmpty();
            breaker.ended(SubmitOutcome.NOT_SENT);
        }
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(admit()).as("the permits came back").isEmpty();
    }

    @Test
    void backpressureOpensItAndItRecoversLikeAnyOpenBreaker() {
        breaker.openForBackpressure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(admit().orElseThrow().retryAfterMs()).isEqualTo(5000L);
        breaker.openForBackpressure(); // already open: nothing changes
        assertThat(breaker.openedCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        calls(3, Kind.ROUTER_ANSWERED);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void transportFailuresCountUntilNatsComesBackThenTheBreakerProbesAtOnceAndForgivesTheRoutersReconnect() {
        calls(10, Kind.TRANSPORT_FAILED);
        assertThat(breaker.state()).as("NATS down: transport failures count").isEqualTo(State.OPEN);

        breaker.transportRecovered();
        assertThat(breaker.state()).as("NATS back: probe now, not after the 5 s wait").isEqualTo(State.HALF_OPEN);
        calls(3, Kind.TRANSPORT_FAILED); // the Router has not resubscribed yet
        assertThat(breaker.state()).as("within the grace: not the Router's fault yet").isEqualTo(State.HALF_OPEN);
        calls(3, Kind.ROUTER_ANSWERED);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        clock.advance(Duration.ofMillis(1001));
        calls(10, Kind.TRANSPORT_FAILED);
        assertThat(breaker.state()).as("after the grace they count again").isEqualTo(State.OPEN);
    }

    @Test
    void theRetryHintOfAnOpenBreakerIsSaneWhateverTheThreadSees() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        Duration open = Duration.ofSeconds(5);
        assertThat(RouterBreaker.openRetryAfterMs(now, now.plusMillis(1200), open)).isEqualTo(1200);
        assertThat(RouterBreaker.openRetryAfterMs(now, now.minusMillis(10), open)).as("already past").isEqualTo(1);
        assertThat(RouterBreaker.openRetryAfterMs(now, Instant.MIN, open))
                .as("open before the transition event recorded until when").isEqualTo(5000);
    }
}
