package io.beamline.ipc.gateway.resilience.ratelimit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.config.RateLimitConfig.OnRedisFailure;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.github.bucket4j.ConsumptionProbe;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Token buckets on TASK_SUBMIT: the peer uid's, then the tenant's (both on this gateway), then the tenant's
 * fleet-wide bucket in Redis when one is configured. A submit takes one token from each; when a later one
 * refuses, the tokens already taken are given back, so a refused submit costs nothing. The refusal is
 * {@code RATE_LIMITED} (429, {@code rate_limited}) with {@code retry_after_ms} from the refusing bucket and
 * {@code details.limit} naming it; it says nothing about other tenants or uids.
 *
 * <p>Runs on the event loop: the local buckets take well under a microsecond; the fleet bucket is one
 * loopback Redis round trip, bounded by {@code ratelimit.redis.timeout_ms} (see {@link FleetBuckets}).
 *
 * <p>The local limits are read from the live configuration per submit; when a reload changed them, the local
 * buckets are made anew (they start full) for the submits that come next. The fleet limit needs a restart.
 */
public final class RateLimitGate implements SubmitGate, AutoCloseable {

    /** The local limits and their buckets, replaced as a whole when a reload changes the limits. */
    private record Local(RateLimitConfig config, LocalBuckets<Integer> uids, LocalBuckets<String> tenants) {
    }

    private final Supplier<RateLimitConfig> live;
    private final RateLimitConfig config; // the fleet's settings: they need a restart
    private final RateLimitClock clock;
    private volatile Local local;
    private final FleetBuckets fleet;
    private final Map<Limit, LongAdder> refused = new EnumMap<>(Limit.class);
    private final Map<OnRedisFailure, LongAdder> redisFailures = new EnumMap<>(OnRedisFailure.class);

    RateLimitGate(Supplier<RateLimitConfig> live, RateLimitClock clock, FleetBuckets fleet) {
        this.live = live;
        this.config = live.get();
        this.clock = clock;
        this.local = local(config, clock);
        this.fleet = fleet;
        for (Limit l : Limit.values()) {
            refused.put(l, new LongAdder());
        }
        for (OnRedisFailure b : OnRedisFailure.values()) {
            redisFailures.put(b, new LongAdder());
        }
    }

    /** The gateway's gate: the system clock, and Redis when a fleet limit is configured. */
    public static RateLimitGate create(RateLimitConfig config) {
        return create(() -> config, RateLimitClock.SYSTEM);
    }

    /** Like {@link #create(RateLimitConfig)}; a reload may change the local limits in {@code live}. */
    public static RateLimitGate create(Supplier<RateLimitConfig> live) {
        return create(live, RateLimitClock.SYSTEM);
    }

    public static RateLimitGate create(RateLimitConfig config, RateLimitClock clock) {
        return create(() -> config, clock);
    }

    public static RateLimitGate create(Supplier<RateLimitConfig> live, RateLimitClock clock) {
        RateLimitConfig config = live.get();
        FleetBuckets fleet = config.fleetEnabled()
                ? new FleetBuckets(config.redisUrl().orElseThrow(), config.redisKeyPrefix(), config.redisTimeout(),
                        config.fleetTenant(), clock)
                : null;
        return new RateLimitGate(live, clock, fleet);
    }

    private static Local local(RateLimitConfig config, RateLimitClock clock) {
        List<Rate> rates = new ArrayList<>(config.tenantOverrides().values());
        rates.add(config.tenant());
        rates.add(config.uid());
        var idle = LocalBuckets.timeToFill(rates);
        return new Local(config, new LocalBuckets<>(config.maxKeys(), idle, uid -> config.uid(), clock),
                new LocalBuckets<>(config.maxKeys(), idle, config::tenantRate, clock));
    }

    /** The buckets of the current limits: one volatile read and a reference compare, unless a reload came. */
    private Local local() {
        RateLimitConfig now = live.get();
        Local l = local;
        return l.config() == now ? l : reloaded(now);
    }

    private synchronized Local reloaded(RateLimitConfig now) {
        Local l = local;
        if (l.config() != now) {
            boolean same = l.config().tenant().equals(now.tenant()) && l.config().uid().equals(now.uid())
                    && l.config().tenantOverrides().equals(now.tenantOverrides())
                    && l.config().maxKeys() == now.maxKeys();
            local = same ? new Local(now, l.uids(), l.tenants()) : local(now, clock);
        }
        return local;
    }

    @Override
    public Optional<ErrorBody> admit(String tenantId, Caller caller) {
        Local l = local();
        Integer uid = caller.uid();
        ConsumptionProbe byUid = l.uids().tryTake(uid);
        if (byUid != null && !byUid.isConsumed()) {
            return refuse(Limit.UID, l.config().uid(), byUid.getNanosToWaitForRefill());
        }
        ConsumptionProbe byTenant = l.tenants().tryTake(tenantId);
        if (byTenant != null && !byTenant.isConsumed()) {
            giveBack(l, byUid, uid, null, tenantId);
            return refuse(Limit.TENANT, l.tenants().rateOf(tenantId), byTenant.getNanosToWaitForRefill());
        }
        if (fleet == null) {
            return Optional.empty();
        }
        return switch (fleet.tryTake(tenantId)) {
            case FleetBuckets.Taken t -> Optional.empty();
            case FleetBuckets.Refused r -> {
                giveBack(l, byUid, uid, byTenant, tenantId);
                yield refuse(Limit.FLEET_TENANT, config.fleetTenant(), r.nanosToWait());
            }
            case FleetBuckets.Unavailable u -> {
                redisFailures.get(config.onRedisFailure()).increment();
                if (config.onRedisFailure() == OnRedisFailure.FAIL_OPEN) {
                    yield Optional.empty();
                }
                giveBack(l, byUid, uid, byTenant, tenantId);
                yield Optional.of(ErrorBody.of(ErrorCode.UNAVAILABLE, "rate_limit_unavailable",
                        "the fleet-wide rate limit cannot be checked right now; retry later")
                        .withRetryAfterMs(millisUp(u.retryAfterNanos())));
            }
        };
    }

    private static void giveBack(Local l, ConsumptionProbe byUid, Integer uid, ConsumptionProbe byTenant,
                                 String tenantId) {
        if (byUid != null) {
            l.uids().giveBack(uid);
        }
        if (byTenant != null) {
            l.tenants().giveBack(tenantId);
        }
    }

    private Optional<ErrorBody> refuse(Limit limit, Rate rate, long nanosToWait) {
        refused.get(limit).increment();
        long retryAfterMs = millisUp(nanosToWait);
        ObjectNode details = JsonNodeFactory.instance.objectNode()
                .put("limit", limit.wire())
                .put("rate_per_s", rate.perSecond())
                .put("burst", rate.burst());
        return Optional.of(new ErrorBody(ErrorCode.RATE_LIMITED.code(), ErrorCode.RATE_LIMITED.status(),
                ErrorCode.RATE_LIMITED.reason(), limit.message() + "; retry after " + retryAfterMs + " ms",
                true, retryAfterMs, details));
    }

    /** At least 1 ms: a retry hint of 0 would invite an immediate retry that is refused again. */
    private static long millisUp(long nanos) {
        return Math.max(1, Math.ceilDiv(nanos, 1_000_000L));
    }

    /** Submits refused by this limit since start. */
    public long refused(Limit limit) {
        return refused.get(limit).sum();
    }

    /** Submits decided by the failure behaviour because Redis failed (or failed recently). */
    public long redisFailures(OnRedisFailure behaviour) {
        return redisFailures.get(behaviour).sum();
    }

    /** Local buckets kept now, of the uid or the tenant limit. */
    public long trackedKeys(Limit limit) {
        return switch (limit) {
            case UID -> local().uids().size();
            case TENANT -> local().tenants().size();
            case FLEET_TENANT -> 0;
        };
    }

    /** The limits as configured and their refusals, for {@code /status}. */
    public RateLimitStatus status() {
        EnumMap<Limit, Long> byLimit = new EnumMap<>(Limit.class);
        for (Limit l : Limit.values()) {
            byLimit.put(l, refused(l));
        }
        return RateLimitStatus.of(config, byLimit);
    }

    public RateLimitConfig config() {
        return live.get();
    }

    @Override
    public void close() {
        if (fleet != null) {
            fleet.close();
        }
    }
}
