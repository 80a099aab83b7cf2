package io.beamline.ipc.gateway.config;

import static io.beamline.ipc.gateway.config.GatewaySettings.*;

import java.time.Duration;

/** The gateway's whole configuration, typed and validated. Built by {@link ConfigLoader}. */
public record GatewayConfig(IpcConfig ipc, NatsConfig nats, RouterConfig router, Duration drainTimeout,
                            String logLevel) {

    static GatewayConfig from(ConfigLoader c) {
        return new GatewayConfig(
                new IpcConfig(c.get(SOCKET_PATH), c.get(MAX_CONNECTIONS), c.get(MAX_FRAME_BYTES),
                        c.get(ALLOWED_UIDS), c.get(IO_THREADS)),
                new NatsConfig(c.get(NATS_URLS)),
                new RouterConfig(c.get(ROUTER_SUBJECT), Duration.ofMillis(c.get(ROUTER_TIMEOUT_MS))),
                Duration.ofMillis(c.get(DRAIN_TIMEOUT_MS)),
                c.get(LOG_LEVEL));
    }
}
