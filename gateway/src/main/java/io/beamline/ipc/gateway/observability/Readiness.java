package io.beamline.ipc.gateway.observability;

/**
 * Whether the gateway can serve tasks now: its socket is up and at least one NATS connection is.
 * Liveness is simpler: the process answers at all.
 *
 * @param natsFailure why NATS could not be connected to last (a TLS handshake, refused credentials), while no
 *                    connection is up; null otherwise. An operator sees why the gateway is not ready.
 */
public record Readiness(boolean ready, boolean ipcListening, int natsConnected, int natsPoolSize, String natsFailure) {

    public static Readiness of(boolean ipcListening, int natsConnected, int natsPoolSize) {
        return of(ipcListening, natsConnected, natsPoolSize, null);
    }

    public static Readiness of(boolean ipcListening, int natsConnected, int natsPoolSize, String natsFailure) {
        return new Readiness(ipcListening && natsConnected > 0, ipcListening, natsConnected, natsPoolSize,
                natsConnected > 0 ? null : natsFailure);
    }
}
