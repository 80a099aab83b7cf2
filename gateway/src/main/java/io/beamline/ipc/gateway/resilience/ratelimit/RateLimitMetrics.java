package io.beamline.ipc.gateway.resilience.ratelimit;

import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;

/** Rate limits: refusals by limit, submits decided without Redis by the failure behaviour, buckets kept. */
public record RateLimitMetrics(RateLimitGate limits) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Limit l : Limit.values()) {
            FunctionCounter.builder("ratelimit.refused", limits, g -> g.refused(l)).tag("limit", l.wire())
                    .description("submits refused by a rate limit (429 rate_limited), by limit").register(registry);
        }
        for (RateLimitConfig.OnRedisFailure b : RateLimitConfig.OnRedisFailure.values()) {
            FunctionCounter.builder("ratelimit.redis.failures", limits, g -> g.redisFailures(b))
                    .tag("behaviour", b.name().toLowerCase(Locale.ROOT))
                    .description("submits decided without the fleet limit because Redis failed, by behaviour")
                    .register(registry);
        }
        for (Limit l : new Limit[] {Limit.UID, Limit.TENANT}) {
            Gauge.builder("ratelimit.buckets", limits, g -> g.trackedKeys(l)).tag("limit", l.wire())
                    .description("local rate-limit buckets kept (bounded by ratelimit.max_keys)").register(registry);
        }
    }
}
