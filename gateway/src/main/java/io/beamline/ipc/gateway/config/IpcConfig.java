package io.beamline.ipc.gateway.config;

import java.nio.file.Path;

/** The Unix-socket listener: where it is, how many peers, how big a frame, who may connect. */
public record IpcConfig(Path socketPath, int maxConnections, int maxFrameBytes, UidAllowList allowedUids,
                        int ioThreads) {
}
