package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link IpcClient}.
 *
 * @param connectTimeout  how long {@link IpcClient#connect(java.nio.file.Path, IpcClientOptions)} may take
 * @param requestTimeout  deadline of a request when the call does not name one
 * @param maxFrameBytes   largest frame, header included, sent or accepted (6 .. {@link Frame#MAX_FRAME_BYTES})
 */
public record IpcClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public IpcClientOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (maxFrameBytes < Frame.HEADER_BYTES || maxFrameBytes > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in " + Frame.HEADER_BYTES + ".."
                    + Frame.MAX_FRAME_BYTES + ", was " + maxFrameBytes);
        }
    }

    /** Connect within 5 s, answers within 30 s, frames up to the v1 maximum of 4 MiB. */
    public static IpcClientOptions defaults() {
        return new IpcClientOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Frame.MAX_FRAME_BYTES);
    }

    public IpcClientOptions withConnectTimeout(Duration timeout) {
        return new IpcClientOptions(timeout, requestTimeout, maxFrameBytes);
    }

    public IpcClientOptions withRequestTimeout(Duration timeout) {
        return new IpcClientOptions(connectTimeout, timeout, maxFrameBytes);
    }

    public IpcClientOptions withMaxFrameBytes(int bytes) {
        return new IpcClientOptions(connectTimeout, requestTimeout, bytes);
    }

    static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }
}
