package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link IpcClient}.
 *
 * @param connectTimeout  how long {@link IpcClient#connect(java.nio.file.Path, IpcClientOptions)} may take,
 *                        the CAPABILITIES handshake included
 * @param requestTimeout  deadline of a request when the call does not name one
 * @param maxFrameBytes   largest frame, header included, sent or accepted (6 .. {@link Frame#MAX_FRAME_BYTES});
 *                        with {@link #NEGOTIATE} it also bounds the gateway's CAPABILITIES answer (about 2.5 KB)
 * @param protocolVersion {@link #NEGOTIATE} (the default): ask the gateway on connect and speak v2 when it
 *                        offers it, else v1; {@link Frame#V1} or {@link Frame#V2}: speak that version without
 *                        asking
 */
public record IpcClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes,
                               int protocolVersion) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** {@link #protocolVersion()}: ask CAPABILITIES on connect, use v2 when the gateway offers it, else v1. */
    public static final int NEGOTIATE = 0;

    public IpcClientOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (maxFrameBytes < Frame.HEADER_BYTES || maxFrameBytes > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in " + Frame.HEADER_BYTES + ".."
                    + Frame.MAX_FRAME_BYTES + ", was " + maxFrameBytes);
        }
        if (protocolVersion != NEGOTIATE && protocolVersion != Frame.V1 && protocolVersion != Frame.V2) {
            throw new IllegalArgumentException("protocolVersion must be 0 (negotiate), 1 or 2, was " + protocolVersion);
        }
    }

    /** Negotiating the protocol version, as {@link #defaults()}. */
    public IpcClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes) {
        this(connectTimeout, requestTimeout, maxFrameBytes, NEGOTIATE);
    }

    /**
     * Connect within 5 s, answers within 30 s, frames up to 4 MiB, and protocol v2 when the gateway offers
     * it.
     */
    public static IpcClientOptions defaults() {
        return new IpcClientOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Frame.MAX_FRAME_BYTES, NEGOTIATE);
    }

    public IpcClientOptions withConnectTimeout(Duration timeout) {
        return new IpcClientOptions(timeout, requestTimeout, maxFrameBytes, protocolVersion);
    }

    public IpcClientOptions withRequestTimeout(Duration timeout) {
        return new IpcClientOptions(connectTimeout, timeout, maxFrameBytes, protocolVersion);
    }

    public IpcClientOptions withMaxFrameBytes(int bytes) {
        return new IpcClientOptions(connectTimeout, requestTimeout, bytes, protocolVersion);
    }

    /** {@link #NEGOTIATE}, or {@code 1} / {@code 2} to speak that version without asking the gateway. */
    public IpcClientOptions withProtocolVersion(int version) {
        return new IpcClientOptions(connectTimeout, requestTimeout, maxFrameBytes, version);
    }

    static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }
}
