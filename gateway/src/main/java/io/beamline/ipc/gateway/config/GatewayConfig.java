package io.beamline.ipc.gateway.config;

import static io.beamline.ipc.gateway.config.GatewaySettings.*;

import java.time.Duration;

/** The gateway's whole configuration, typed and validated. Built by {@link ConfigLoader}. */
public record GatewayConfig(IpcConfig ipc, NatsConfig nats, RouterConfig router, TasksConfig tasks,
                            AdminConfig admin, Duration drainTimeout, String logLevel) {

    static GatewayConfig from(ConfigLoader c) {
        int timeout = c.get(ROUTER_TIMEOUT_MS);
        int maxTimeout = c.get(ROUTER_MAX_TIMEOUT_MS);
        if (maxTimeout < timeout) {
            throw new ConfigException("invalid " + ROUTER_MAX_TIMEOUT_MS.key() + " = " + maxTimeout
                    + ": below " + ROUTER_TIMEOUT_MS.key() + " = " + timeout + "; allowed: "
                    + ROUTER_MAX_TIMEOUT_MS.allowed());
        }
        return new GatewayConfig(
                new IpcConfig(c.get(SOCKET_PATH), c.get(MAX_CONNECTIONS), c.get(MAX_FRAME_BYTES),
                        c.get(ALLOWED_UIDS), c.get(IO_THREADS)),
                new NatsConfig(c.get(NATS_URLS), c.get(NATS_POOL_SIZE),
                        Duration.ofMillis(c.get(NATS_RECONNECT_WAIT_MS)),
                        Duration.ofMillis(c.get(NATS_RECONNECT_JITTER_MS)),
                        new NatsConfig.NatsAuth(c.get(NATS_USER), c.get(NATS_PASSWORD), c.get(NATS_TOKEN),
                                c.get(NATS_CREDS_FILE)),
                        new NatsConfig.NatsTls(c.get(NATS_TLS_TRUSTSTORE), c.get(NATS_TLS_TRUSTSTORE_PASSWORD),
                                c.get(NATS_TLS_KEYSTORE), c.get(NATS_TLS_KEYSTORE_PASSWORD))),
                new RouterConfig(c.get(ROUTER_SUBJECT), Duration.ofMillis(timeout), Duration.ofMillis(maxTimeout),
                        c.get(ROUTER_DEFAULT_TENANT), c.get(ROUTER_TENANT_BY_UID), c.get(ROUTER_DEFAULT_POLICY),
                        c.get(ROUTER_GET_DECISION_SUBJECT), c.get(ROUTER_CANCEL_SUBJECT)),
                new TasksConfig(c.get(TASKS_REGISTRY_SIZE), Duration.ofMillis(c.get(TASKS_TTL_MS))),
                new AdminConfig(c.get(ADMIN_ENABLED), c.get(ADMIN_PORT)),
                Duration.ofMillis(c.get(DRAIN_TIMEOUT_MS)),
                c.get(LOG_LEVEL));
    }
}
