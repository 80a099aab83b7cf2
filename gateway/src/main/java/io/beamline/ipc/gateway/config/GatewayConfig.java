package io.beamline.ipc.gateway.config;

import static io.beamline.ipc.gateway.config.GatewaySettings.*;

import java.time.Duration;

/** The gateway's whole configuration, typed and validated. Built by {@link ConfigLoader}. */
public record GatewayConfig(IpcConfig ipc, NatsConfig nats, RouterConfig router, TasksConfig tasks, StreamsConfig streams,
                            AdminConfig admin, Duration drainTimeout, String logLevel,
                            RateLimitConfig rateLimit, BreakerConfig breaker, BackpressureConfig backpressure,
                            AdmissionConfig admission, ActivationConfig activation) {

    static GatewayConfig from(ConfigLoader c) {
        int timeout = c.get(ROUTER_TIMEOUT_MS);
        int maxTimeout = c.get(ROUTER_MAX_TIMEOUT_MS);
        if (maxTimeout < timeout) {
            throw new ConfigException("invalid " + ROUTER_MAX_TIMEOUT_MS.key() + " = " + maxTimeout
                    + ": below " + ROUTER_TIMEOUT_MS.key() + " = " + timeout + "; allowed: "
                    + ROUTER_MAX_TIMEOUT_MS.allowed());
        }
        return new GatewayConfig(
                ipc(c),
                nats(c),
                new RouterConfig(c.get(ROUTER_SUBJECT), Duration.ofMillis(timeout), Duration.ofMillis(maxTimeout),
                        c.get(ROUTER_DEFAULT_TENANT), c.get(ROUTER_TENANT_BY_UID), c.get(ROUTER_DEFAULT_POLICY),
                        c.get(ROUTER_GET_DECISION_SUBJECT), c.get(ROUTER_CANCEL_SUBJECT)),
                new TasksConfig(c.get(TASKS_REGISTRY_SIZE), Duration.ofMillis(c.get(TASKS_TTL_MS))),
                new StreamsConfig(Duration.ofMillis(c.get(STREAMS_IDLE_TIMEOUT_MS)), c.get(STREAMS_MAX_BUFFERED_BYTES),
                        c.get(STREAMS_MAX_RUNNING), c.get(STREAMS_REPLAY_BYTES),
                        Duration.ofMillis(c.get(STREAMS_REPLAY_TTL_MS)), c.get(STREAMS_REPLAY_MAX_ENDED)),
                new AdminConfig(c.get(ADMIN_ENABLED), c.get(ADMIN_PORT)),
                Duration.ofMillis(c.get(DRAIN_TIMEOUT_MS)),
                c.get(LOG_LEVEL),
                rateLimit(c),
                new BreakerConfig(c.get(BREAKER_WINDOW_SIZE), c.get(BREAKER_MINIMUM_CALLS),
                        c.get(BREAKER_FAILURE_RATE_PERCENT), Duration.ofMillis(c.get(BREAKER_OPEN_MS)),
                        c.get(BREAKER_HALF_OPEN_CALLS), Duration.ofMillis(c.get(BREAKER_RECONNECT_GRACE_MS))),
                new BackpressureConfig(Duration.ofMillis(c.get(BACKPRESSURE_POLL_INTERVAL_MS)),
                        c.get(BACKPRESSURE_SUBJECT), Duration.ofMillis(c.get(BACKPRESSURE_TIMEOUT_MS)),
                        c.get(BACKPRESSURE_ACTIVE_POLLS_BEFORE_BREAKER)),
                new AdmissionConfig(c.get(ADMISSION_MAX_IN_FLIGHT), Duration.ofMillis(c.get(ADMISSION_RETRY_AFTER_MS))),
                new ActivationConfig(Duration.ofMillis(c.get(ACTIVATION_IDLE_EXIT_MS))));
    }

    private static NatsConfig nats(ConfigLoader c) {
        return new NatsConfig(c.get(NATS_URLS), c.get(NATS_POOL_SIZE), Duration.ofMillis(c.get(NATS_RECONNECT_WAIT_MS)),
                Duration.ofMillis(c.get(NATS_RECONNECT_JITTER_MS)),
                new NatsConfig.NatsAuth(c.get(NATS_USER), c.get(NATS_PASSWORD), c.get(NATS_TOKEN), c.get(NATS_NKEY_FILE),
                        c.get(NATS_CREDS_FILE)),
                new NatsConfig.NatsTls(c.get(NATS_TLS_TRUSTSTORE), c.get(NATS_TLS_TRUSTSTORE_PASSWORD),
                        c.get(NATS_TLS_KEYSTORE), c.get(NATS_TLS_KEYSTORE_PASSWORD), c.get(NATS_TLS_CA_FILE),
                        c.get(NATS_TLS_CERT_FILE), c.get(NATS_TLS_KEY_FILE)));
    }

    private static IpcConfig ipc(ConfigLoader c) {
        int high = c.get(WRITE_BUFFER_HIGH_BYTES);
        int low = c.get(WRITE_BUFFER_LOW_BYTES);
        if (low >= high) {
            throw new ConfigException("invalid " + WRITE_BUFFER_LOW_BYTES.key() + " = " + low + ": not below "
                    + WRITE_BUFFER_HIGH_BYTES.key() + " = " + high + "; allowed: " + WRITE_BUFFER_LOW_BYTES.allowed());
        }
        return new IpcConfig(c.get(SOCKET_PATH), c.get(MAX_CONNECTIONS), c.get(MAX_FRAME_BYTES),
                c.get(ALLOWED_UIDS), c.get(IO_THREADS), c.get(MAX_IN_FLIGHT_PER_CONNECTION), high, low,
                new IpcLimits(c.get(MAX_CONNECTIONS_PER_PID), c.get(MAX_CONNECTIONS_PER_UID),
                        Duration.ofMillis(c.get(FRAME_TIMEOUT_MS)), Duration.ofMillis(c.get(IDLE_TIMEOUT_MS)),
                        c.get(MAX_BUFFERED_BYTES)));
    }

    private static RateLimitConfig rateLimit(ConfigLoader c) {
        RateLimitConfig.Rate fleet = RateLimitConfig.Rate.of(c.get(RATELIMIT_FLEET_TENANT_RATE),
                c.get(RATELIMIT_FLEET_TENANT_BURST));
        var redisUrl = c.get(RATELIMIT_REDIS_URL);
        if (fleet.limited() && redisUrl.isEmpty()) {
            throw new ConfigException("invalid " + RATELIMIT_FLEET_TENANT_RATE.key() + " = " + fleet.perSecond()
                    + ": a fleet-wide limit needs " + RATELIMIT_REDIS_URL.key() + "; allowed: 0 without it");
        }
        return new RateLimitConfig(
                RateLimitConfig.Rate.of(c.get(RATELIMIT_TENANT_RATE), c.get(RATELIMIT_TENANT_BURST)),
                RateLimitConfig.Rate.of(c.get(RATELIMIT_UID_RATE), c.get(RATELIMIT_UID_BURST)),
                c.get(RATELIMIT_TENANT_OVERRIDES), c.get(RATELIMIT_MAX_KEYS), redisUrl,
                c.get(RATELIMIT_REDIS_KEY_PREFIX), Duration.ofMillis(c.get(RATELIMIT_REDIS_TIMEOUT_MS)),
                c.get(RATELIMIT_REDIS_ON_FAILURE), fleet);
    }
}
