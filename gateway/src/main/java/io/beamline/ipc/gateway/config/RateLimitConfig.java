package io.beamline.ipc.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Token-bucket rate limits on TASK_SUBMIT: per tenant, per peer uid, and optionally per tenant across every
 * gateway that shares one Redis (fleet). A {@link Rate} of 0 per second is no limit.
 *
 * @param tenant          each tenant's bucket, unless {@code tenantOverrides} names the tenant
 * @param uid             each peer uid's bucket (the uid the kernel reports, which a client cannot choose)
 * @param tenantOverrides tenants with their own rate and burst
 * @param maxKeys         buckets kept per kind (tenant, uid); the least useful are dropped past it
 * @param redisUrl        the fleet's Redis, on loopback; empty = no fleet limit
 * @param redisKeyPrefix  prefix of the fleet's bucket keys in Redis (gateways sharing buckets use the same)
 * @param redisTimeout    bound on one Redis call: connect, read, and waiting for a pooled connection
 * @param onRedisFailure  what a submit gets when the fleet limit cannot be asked
 * @param fleetTenant     each tenant's bucket shared through Redis
 */
public record RateLimitConfig(Rate tenant, Rate uid, Map<String, Rate> tenantOverrides, int maxKeys,
                              Optional<URI> redisUrl, String redisKeyPrefix, Duration redisTimeout,
                              OnRedisFailure onRedisFailure, Rate fleetTenant) {

    public RateLimitConfig {
        tenantOverrides = Map.copyOf(tenantOverrides);
    }

    /** {@code perSecond} tokens are added each second, up to {@code burst}; 0 per second is no limit. */
    public record Rate(int perSecond, int burst) {

        public static final Rate UNLIMITED = new Rate(0, 0);

        /** A burst of 0 means one second's worth. */
        public static Rate of(int perSecond, int burst) {
            return perSecond == 0 ? UNLIMITED : new Rate(perSecond, burst == 0 ? perSecond : burst);
        }

        public boolean limited() {
            return perSecond > 0;
        }

        @Override
        public String toString() {
            return limited() ? perSecond + "/s, burst " + burst : "unlimited";
        }
    }

    public enum OnRedisFailure {
        /** Admit (the local limits still apply), count. */
        FAIL_OPEN,
        /** Refuse with UNAVAILABLE {@code rate_limit_unavailable}, count. */
        FAIL_CLOSED
    }

    /** No limits at all: the shipped default. */
    public static RateLimitConfig off() {
        return new RateLimitConfig(Rate.UNLIMITED, Rate.UNLIMITED, Map.of(), 10_000, Optional.empty(),
                "beamline:ratelimit:", Duration.ofMillis(50), OnRedisFailure.FAIL_OPEN, Rate.UNLIMITED);
    }

    /** The rate of a tenant: its override, else {@link #tenant}. */
    public Rate tenantRate(String tenantId) {
        return tenantOverrides.getOrDefault(tenantId, tenant);
    }

    public boolean fleetEnabled() {
        return redisUrl.isPresent() && fleetTenant.limited();
    }

    /** Whether any limit can refuse a submit. */
    public boolean enabled() {
        return tenant.limited() || uid.limited() || tenantOverrides.values().stream().anyMatch(Rate::limited)
                || fleetEnabled();
    }
}
