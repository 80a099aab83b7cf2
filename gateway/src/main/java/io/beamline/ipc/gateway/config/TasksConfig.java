package io.beamline.ipc.gateway.config;

import java.time.Duration;

/** The task registry: how many tasks it remembers and how long after they finish. */
public record TasksConfig(int registrySize, Duration ttl) {
}
