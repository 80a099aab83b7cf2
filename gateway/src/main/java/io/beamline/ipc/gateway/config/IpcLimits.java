package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * What one local process, one user, or all clients together may hold of the gateway: connections per peer
 * pid and uid, how long a begun frame may take to arrive, how long a connection may sit idle, and how many
 * bytes all connections together may have buffered (partial frames and queued answers).
 *
 * @param idleTimeout      {@link Duration#ZERO} = connections are never closed for idleness
 * @param maxBufferedBytes past it the connections that hold buffered bytes are not read until the total
 *                         drains to {@link #resumeBufferedBytes()}
 */
public record IpcLimits(int maxConnectionsPerPid, int maxConnectionsPerUid, Duration frameTimeout,
                        Duration idleTimeout, int maxBufferedBytes) {

    public static final int DEFAULT_MAX_CONNECTIONS_PER_PID = 64;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_UID = 960;
    public static final int DEFAULT_FRAME_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 0;
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

    public static final IpcLimits DEFAULTS = new IpcLimits(DEFAULT_MAX_CONNECTIONS_PER_PID,
            DEFAULT_MAX_CONNECTIONS_PER_UID, Duration.ofMillis(DEFAULT_FRAME_TIMEOUT_MS),
            Duration.ofMillis(DEFAULT_IDLE_TIMEOUT_MS), DEFAULT_MAX_BUFFERED_BYTES);

    public IpcLimits {
        if (maxConnectionsPerPid < 1 || maxConnectionsPerUid < 1 || frameTimeout.isNegative() || frameTimeout.isZero()
                || idleTimeout.isNegative() || maxBufferedBytes < 1) {
            throw new IllegalArgumentException("invalid ipc limits: per pid " + maxConnectionsPerPid + ", per uid "
                    + maxConnectionsPerUid + ", frame timeout " + frameTimeout + ", idle timeout " + idleTimeout
                    + ", max buffered bytes " + maxBufferedBytes);
        }
    }

    /** Reading resumes at three quarters of the budget, so that a total hovering at it does not flap. */
    public int resumeBufferedBytes() {
        return (int) (maxBufferedBytes * 3L / 4);
    }

    public boolean idleTimeoutEnabled() {
        return !idleTimeout.isZero();
    }
}
