package io.beamline.ipc.gateway.resilience.breaker;

import io.beamline.ipc.gateway.config.BreakerConfig;
import io.beamline.ipc.gateway.resilience.OutcomeAwareGate;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker around Router calls (resilience4j), as a submit gate. Closed: every submit goes
 * through and its outcome is recorded — transport failures, timeouts, bad replies and Router errors of
 * status 500 or more count as failures; Router answers below 500 (the Router is working) as successes;
 * cancellations and shutdown are ignored. Open: a submit is refused at once with a retryable 503
 * {@code circuit_open} whose {@code retry_after_ms} is the time left until the breaker half-opens. Half-open:
 * {@code halfOpenCalls} probes go through; when they succeed it closes, otherwise it opens again.
 *
 * <p>Time comes from the injected {@link Clock} (resilience4j reads the same clock), so tests never sleep.
 * Open → half-open happens on the first submit after the wait (no timer thread).
 */
public final class RouterBreaker implements OutcomeAwareGate {

    private static final Logger LOG = LoggerFactory.getLogger(RouterBreaker.class);

    public static final String REASON = "circuit_open";

    /** Half-open with every probe taken: retry after about one probe's time. */
    static final long HALF_OPEN_RETRY_AFTER_MS = 1000;

    /** What resilience4j records for a failed call; the cause is in the client's answer, not here. */
    private static final RuntimeException ROUTER_FAILURE = new RuntimeException("Router call failed", null,
            false, false) {
    };

    private final CircuitBreaker breaker;
    private final Clock clock;
    private final Duration openDuration;
    private final LongAdder refused = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private volatile Instant openUntil = Instant.MIN;
    private volatile Instant graceUntil = Instant.MIN;
    private final Duration reconnectGrace;

    public RouterBreaker(BreakerConfig config, Clock clock) {
        this.clock = clock;
        this.openDuration = config.openDuration();
        this.reconnectGrace = config.reconnectGrace();
        breaker = CircuitBreaker.of("router", CircuitBreakerConfig.custom()
                .slidingWindow(config.windowSize(), config.minimumCalls(), SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(config.failureRatePercent())
                .waitDurationInOpenState(config.openDuration())
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
                // Slow calls are the Router's deadline's business (a timeout is a failure), not a second rule.
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofDays(1))
                .clock(clock)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                openUntil = clock.instant().plus(openDuration);
                opened.increment();
                LOG.warn("Router circuit breaker open for {} ms ({}): submits are refused with circuit_open",
                        openDuration.toMillis(), e.getStateTransition());
            } else {
                LOG.info("Router circuit breaker {}", e.getStateTransition());
            }
        });
    }

    @Override
    public Optional<ErrorBody> admit(String tenantId, Caller caller) {
        if (breaker.tryAcquirePermission()) {
            return Optional.empty();
        }
        refused.increment();
        long retryAfterMs = breaker.getState() == CircuitBreaker.State.OPEN
                ? openRetryAfterMs(clock.instant(), openUntil, openDuration)
                : HALF_OPEN_RETRY_AFTER_MS;
        return Optional.of(ErrorBody.of(ErrorCode.UNAVAILABLE, REASON,
                "the Router is failing: the gateway's circuit breaker is " + stateName()
                        + "; retry after " + retryAfterMs + " ms").withRetryAfterMs(retryAfterMs));
    }

    /**
     * The time left in the open state. Another thread may see the breaker open before the transition event
     * has recorded until when (resilience4j publishes it after the state changes): then the whole wait is
     * the honest hint, and a moment already past means "now".
     */
    static long openRetryAfterMs(Instant now, Instant openUntil, Duration openDuration) {
        if (openUntil.equals(Instant.MIN)) {
            return openDuration.toMillis();
        }
        return openUntil.isAfter(now) ? Math.max(1, Duration.between(now, openUntil).toMillis()) : 1;
    }

    @Override
    public void ended(SubmitOutcome outcome) {
        switch (outcome.kind()) {
            case ROUTER_ANSWERED -> breaker.onSuccess(outcome.nanos(), TimeUnit.NANOSECONDS);
            case ROUTER_FAILED -> breaker.onError(outcome.nanos(), TimeUnit.NANOSECONDS, ROUTER_FAILURE);
            case TRANSPORT_FAILED -> {
                if (clock.instant().isBefore(graceUntil)) {
                    breaker.releasePermission(); // the Router's own reconnect lags ours: not its fault yet
                } else {
                    breaker.onError(outcome.nanos(), TimeUnit.NANOSECONDS, ROUTER_FAILURE);
                }
            }
            case IGNORED, NOT_SENT -> breaker.releasePermission();
        }
    }

    /**
     * A NATS connection is back. Failures counted while NATS was down say nothing about the Router now, so
     * an open breaker goes straight to half-open and probes, instead of refusing for the rest of its wait:
     * a NATS restart must not keep traffic out for seconds after NATS returned.
     */
    public void transportRecovered() {
        graceUntil = clock.instant().plus(reconnectGrace);
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            try {
                LOG.info("NATS is back: circuit breaker half-open, probing the Router");
                breaker.transitionToHalfOpenState();
            } catch (IllegalStateTransitionException e) {
                LOG.debug("breaker changed state meanwhile: {}", e.getMessage());
            }
        }
    }

    /** The Router reports sustained overload: stop sending for the open duration (then probe as usual). */
    public void openForBackpressure() {
        CircuitBreaker.State s = breaker.getState();
        if (s == CircuitBreaker.State.CLOSED || s == CircuitBreaker.State.HALF_OPEN) {
            try {
                LOG.warn("the Router reports sustained overload: opening the circuit breaker");
                breaker.transitionToOpenState();
            } catch (IllegalStateTransitionException e) {
                LOG.debug("breaker changed state meanwhile: {}", e.getMessage());
            }
        }
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    /** For the gauge: 0 closed, 1 open, 2 half-open, 3 another resilience4j state (disabled, forced). */
    public int stateCode() {
        return switch (breaker.getState()) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    /** Submits refused because the breaker was open (or half-open with its probes taken). */
    public long refused() {
        return refused.sum();
    }

    /** Times the breaker opened. */
    public long openedCount() {
        return opened.sum();
    }

    /** The failure rate of the window in percent, or -1 while fewer than the minimum calls are in it. */
    public float failureRate() {
        return breaker.getMetrics().getFailureRate();
    }

    /** The breaker now, for {@code /status}. */
    public BreakerStatus status() {
        float rate = failureRate();
        return new BreakerStatus(stateName(), rate < 0 ? null : rate, openedCount(), refused(),
                openDuration.toMillis());
    }

    private String stateName() {
        return breaker.getState().name().toLowerCase(java.util.Locale.ROOT);
    }
}
