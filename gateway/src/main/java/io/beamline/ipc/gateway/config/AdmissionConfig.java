package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * Local admission: at most {@code maxInFlight} submits in flight over all connections; one more is refused
 * with a retryable 503 {@code gateway_overloaded} that says to retry after {@code retryAfter}.
 * (The per-connection cap, {@code ipc.max_in_flight_per_connection}, slows a connection instead: see
 * {@link IpcConfig}.)
 */
public record AdmissionConfig(int maxInFlight, Duration retryAfter) {

    public static final AdmissionConfig DEFAULT = new AdmissionConfig(1000, Duration.ofMillis(200));
}
