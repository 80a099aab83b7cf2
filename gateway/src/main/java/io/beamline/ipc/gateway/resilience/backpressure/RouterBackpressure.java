package io.beamline.ipc.gateway.resilience.backpressure;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.BackpressureConfig;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.routerclient.RouterResponse;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Router's backpressure status ({@code beamline.router.v2.status.backpressure}), polled every
 * {@code pollInterval} and cached until the next poll, as a submit gate:
 * <ul>
 *   <li>{@code active}: every new submit is refused at once with 429 {@code router_overloaded} and the
 *       Router's {@code policy.retry_after_seconds}; nothing reaches the Router;</li>
 *   <li>{@code warning}: served; the submits are counted and the change is logged;</li>
 *   <li>more than {@code activePollsBeforeBreaker} consecutive {@code active} polls: the breaker opens;</li>
 *   <li>no answer (or one that cannot be read): status unknown, counted, traffic continues.</li>
 * </ul>
 * Polling is separate from the state ({@link #record}, {@link #recordNoAnswer}), so tests drive it without
 * a timer.
 */
public final class RouterBackpressure implements SubmitGate, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterBackpressure.class);

    public static final String REASON = "router_overloaded";

    public enum Status {
        INACTIVE(0), WARNING(1), ACTIVE(2), UNKNOWN(-1);

        private final int gauge;

        Status(int gauge) {
            this.gauge = gauge;
        }

        /** For the gauge: -1 unknown, 0 inactive, 1 warning, 2 active. */
        public int gauge() {
            return gauge;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the last poll said; {@code retryAfterMs} is the Router's hint for an active status. */
    public record Snapshot(Status status, long retryAfterMs) {
    }

    private final BackpressureConfig config;
    private final Supplier<CompletableFuture<RouterResponse>> ask;
    private final Runnable onSustainedOverload;
    private final Map<Status, LongAdder> polls = new EnumMap<>(Status.class);
    private final LongAdder noAnswer = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder servedDuringWarning = new LongAdder();
    private volatile Snapshot current = new Snapshot(Status.UNKNOWN, 0);
    private int consecutiveActive; // guarded by this
    private ScheduledExecutorService timer;

    /**
     * @param ask                 sends one status request; the future completes with the reply or why none
     * @param onSustainedOverload run on each {@code active} poll beyond {@code activePollsBeforeBreaker}
     *                            consecutive ones (opens the breaker)
     */
    public RouterBackpressure(BackpressureConfig config, Supplier<CompletableFuture<RouterResponse>> ask,
                              Runnable onSustainedOverload) {
        this.config = config;
        this.ask = ask;
        this.onSustainedOverload = onSustainedOverload;
        for (Status s : Status.values()) {
            polls.put(s, new LongAdder());
        }
    }

    /** Starts polling (first poll at once), unless the interval is 0. */
    public synchronized void start() {
        if (!config.enabled() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "router-backpressure");
            t.setDaemon(true);
            return t;
        });
        // With a fixed delay a slow answer never piles polls up; each waits at most the poll timeout.
        timer.scheduleWithFixedDelay(() -> pollOnce().join(), 0, config.pollInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One poll; the future completes when its outcome is recorded and never fails. */
    public CompletableFuture<Void> pollOnce() {
        return ask.get().thenAccept(response -> {
            switch (response) {
                case RouterResponse.Reply r -> record(r.body());
                case RouterResponse.NoReply n -> recordNoAnswer(n.message());
            }
        });
    }

    @Override
    public Optional<ErrorBody> admit(String tenantId, Caller caller) {
        Snapshot s = current;
        if (s.status() == Status.ACTIVE) {
            refused.increment();
            return Optional.of(ErrorBody.of(ErrorCode.RATE_LIMITED, REASON,
                    "the Router reports overload (backpressure active); retry after " + s.retryAfterMs() + " ms")
                    .withRetryAfterMs(s.retryAfterMs()));
        }
        if (s.status() == Status.WARNING) {
            servedDuringWarning.increment();
        }
        return Optional.empty();
    }

    /** A status reply: {@code {"success":true,"data":{"status":…,"policy":{"retry_after_seconds":N}}}}. */
    public void record(byte[] body) {
        JsonNode data;
        try {
            JsonNode root = Json.mapper().readTree(body);
            data = root == null ? null : root.path("data");
            if (root == null || !root.path("success").asBoolean(false) || !data.path("status").isTextual()) {
                recordNoAnswer("the status reply has no data.status");
                return;
            }
        } catch (java.io.IOException | RuntimeException e) {
            recordNoAnswer("the status reply is not JSON");
            return;
        }
        Status status = switch (data.path("status").textValue()) {
            case "active" -> Status.ACTIVE;
            case "warning" -> Status.WARNING;
            case "inactive" -> Status.INACTIVE;
            default -> Status.UNKNOWN;
        };
        JsonNode seconds = data.path("policy").path("retry_after_seconds");
        // Without the Router's hint: retry when the gateway will know more, at the next poll.
        long retryAfterMs = seconds.isNumber() && seconds.asDouble() >= 0
                ? (long) Math.ceil(seconds.asDouble() * 1000) : config.pollInterval().toMillis();
        update(new Snapshot(status, retryAfterMs), data.path("metrics").toString());
    }

    /** No answer, or one that cannot be read: the status is unknown and traffic continues. */
    public void recordNoAnswer(String why) {
        noAnswer.increment();
        Snapshot before = current;
        update(new Snapshot(Status.UNKNOWN, 0), null);
        if (before.status() != Status.UNKNOWN) {
            LOG.warn("Router backpressure status unknown ({}); traffic continues", why);
        } else {
            LOG.debug("Router backpressure status unknown ({})", why);
        }
    }

    private void update(Snapshot next, String metrics) {
        boolean sustained;
        synchronized (this) {
            polls.get(next.status()).increment();
            Snapshot before = current;
            current = next;
            consecutiveActive = next.status() == Status.ACTIVE ? consecutiveActive + 1 : 0;
            sustained = consecutiveActive > config.activePollsBeforeBreaker();
            if (before.status() != next.status() && metrics != null) {
                switch (next.status()) {
                    case ACTIVE -> LOG.warn("Router backpressure active {}: refusing submits with {} (retry after {} ms)",
                            metrics, REASON, next.retryAfterMs());
                    case WARNING -> LOG.warn("Router backpressure warning {}: serving", metrics);
                    case INACTIVE -> LOG.info("Router backpressure inactive {}", metrics);
                    case UNKNOWN -> LOG.warn("Router backpressure status unknown; traffic continues");
                }
            }
        }
        if (sustained) {
            onSustainedOverload.run();
        }
    }

    public Snapshot current() {
        return current;
    }

    /** The last poll's finding now, for {@code /status}. */
    public BackpressureStatus status() {
        Snapshot s = current;
        return new BackpressureStatus(config.enabled(), s.status().wire(), s.retryAfterMs(), refused(),
                config.pollInterval().toMillis());
    }

    /** Polls that ended with this status ({@link Status#UNKNOWN} includes the polls without an answer). */
    public long polls(Status status) {
        return polls.get(status).sum();
    }

    /** Polls without a readable answer. */
    public long noAnswer() {
        return noAnswer.sum();
    }

    /** Submits refused because the status was active. */
    public long refused() {
        return refused.sum();
    }

    /** Submits served while the status was warning. */
    public long servedDuringWarning() {
        return servedDuringWarning.sum();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
