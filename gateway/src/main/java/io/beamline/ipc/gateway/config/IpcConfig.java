package io.beamline.ipc.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The Unix-socket listener: where it is, how many peers, how big a frame, who may connect; how much one
 * connection may have unanswered ({@code maxInFlightPerConnection}) and queued for writing (the write-buffer
 * water marks) before the gateway stops reading it; and what peers may hold of it together ({@link IpcLimits}).
 */
public record IpcConfig(Path socketPath, int maxConnections, int maxFrameBytes, UidAllowList allowedUids,
                        int ioThreads, int maxInFlightPerConnection, int writeBufferHighBytes,
                        int writeBufferLowBytes, IpcLimits limits) {

    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 256;
    public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 1024 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 256 * 1024;

    public IpcConfig {
        Objects.requireNonNull(limits, "limits");
    }

    /** With the default per-peer limits. */
    public IpcConfig(Path socketPath, int maxConnections, int maxFrameBytes, UidAllowList allowedUids, int ioThreads,
                     int maxInFlightPerConnection, int writeBufferHighBytes, int writeBufferLowBytes) {
        this(socketPath, maxConnections, maxFrameBytes, allowedUids, ioThreads, maxInFlightPerConnection,
                writeBufferHighBytes, writeBufferLowBytes, IpcLimits.DEFAULTS);
    }

    /** The same listener with other per-peer limits. */
    public IpcConfig withLimits(IpcLimits newLimits) {
        return new IpcConfig(socketPath, maxConnections, maxFrameBytes, allowedUids, ioThreads,
                maxInFlightPerConnection, writeBufferHighBytes, writeBufferLowBytes, newLimits);
    }

    /** With the default per-connection limits. */
    public IpcConfig(Path socketPath, int maxConnections, int maxFrameBytes, UidAllowList allowedUids, int ioThreads) {
        this(socketPath, maxConnections, maxFrameBytes, allowedUids, ioThreads, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION,
                DEFAULT_WRITE_BUFFER_HIGH_BYTES, DEFAULT_WRITE_BUFFER_LOW_BYTES);
    }
}
