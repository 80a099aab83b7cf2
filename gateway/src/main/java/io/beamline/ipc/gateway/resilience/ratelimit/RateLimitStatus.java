package io.beamline.ipc.gateway.resilience.ratelimit;

import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import io.beamline.ipc.process.security.Redaction;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rate limits as configured, and what they refused, as {@code /status} shows them. A rate of 0 per second
 * is no limit.
 *
 * @param enabled         any limit can refuse a submit
 * @param tenant          each tenant's bucket ({@code ratelimit.tenant_rate}, {@code ratelimit.tenant_burst})
 * @param uid             each peer uid's bucket
 * @param tenantOverrides tenants with their own bucket
 * @param fleetTenant     each tenant's bucket shared through Redis
 * @param redisUrl        the fleet's Redis, credentials masked; null without one
 * @param onRedisFailure  {@code fail_open} or {@code fail_closed}
 * @param refused         submits refused since start, by limit ({@code uid}, {@code tenant}, {@code fleet_tenant})
 */
public record RateLimitStatus(boolean enabled, Rate tenant, Rate uid, Map<String, Rate> tenantOverrides,
                              Rate fleetTenant, String redisUrl, String onRedisFailure, Map<String, Long> refused) {

    static RateLimitStatus of(RateLimitConfig c, EnumMap<Limit, Long> refused) {
        Map<String, Long> byLimit = new LinkedHashMap<>();
        refused.forEach((limit, n) -> byLimit.put(limit.wire(), n));
        return new RateLimitStatus(c.enabled(), c.tenant(), c.uid(),
                Collections.unmodifiableMap(new TreeMap<>(c.tenantOverrides())), c.fleetTenant(),
                c.redisUrl().map(u -> Redaction.urls(u.toString())).orElse(null),
                c.onRedisFailure().name().toLowerCase(java.util.Locale.ROOT), Collections.unmodifiableMap(byLimit));
    }
}
