package io.beamline.ipc.gateway.config;

import java.nio.file.Path;

/**
 * The Unix-socket listener: where it is, how many peers, how big a frame, who may connect; how much one
 * connection may have unanswered ({@code maxInFlightPerConnection}) and queued for writing (the write-buffer
 * water marks) before the gateway stops reading it.
 */
public record IpcConfig(Path socketPath, int maxConnections, int maxFrameBytes, UidAllowList allowedUids,
                        int ioThreads, int maxInFlightPerConnection, int writeBufferHighBytes,
                        int writeBufferLowBytes) {

    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 256;
    public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 1024 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 256 * 1024;

    /** With the default per-connection limits. */
    public IpcConfig(Path socketPath, int maxConnections, int maxFrameBytes, UidAllowList allowedUids, int ioThreads) {
        this(socketPath, maxConnections, maxFrameBytes, allowedUids, ioThreads, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION,
                DEFAULT_WRITE_BUFFER_HIGH_BYTES, DEFAULT_WRITE_BUFFER_LOW_BYTES);
    }
}
