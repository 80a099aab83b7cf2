package io.beamline.ipc.gateway.observability;

/**
 * Whether the gateway can serve tasks now: its socket is up and at least one NATS connection is.
 * Liveness is simpler: the process answers at all.
 */
public record Readiness(boolean ready, boolean ipcListening, int natsConnected, int natsPoolSize) {

    public static Readiness of(boolean ipcListening, int natsConnected, int natsPoolSize) {
        return new Readiness(ipcListening && natsConnected > 0, ipcListening, natsConnected, natsPoolSize);
    }
}
