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
 * @param streamBufferBytes how many bytes of a stream's chunks the client holds for a subscriber that has not
 *                        requested them (or for a stream nobody subscribed to yet), at least 1; past it the
 *                        stream is cancelled (TASK_CANCEL) and the subscriber gets
 *                        {@link StreamBufferOverflowException}. Counted as the STREAM_DATA payloads held.
 */
public record IpcClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes,
                               int protocolVersion, long streamBufferBytes) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** {@link #protocolVersion()}: ask CAPABILITIES on connect, use v2 when the gateway offers it, else v1. */
    public static final int NEGOTIATE = 0;
    /** {@link #streamBufferBytes()} by default: one largest frame, so any one chunk can wait. */
    public static final long DEFAULT_STREAM_BUFFER_BYTES = Frame.MAX_FRAME_BYTES;

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
        if (streamBufferBytes < 1) {
            throw new IllegalArgumentException("streamBufferBytes must be at least 1, was " + streamBufferBytes);
        }
    }

    /** With the default {@link #streamBufferBytes()}. */
    public IpcClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes, int protocolVersion) {
        this(connectTimeout, requestTimeout, maxFrameBytes, protocolVersion, DEFAULT_STREAM_BUFFER_BYTES);
    }

    /** Negotiating the protocol version, as {@link #defaults()}. */
    public IpcClientOptions(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes) {
        this(connectTimeout, requestTimeout, maxFrameBytes, NEGOTIATE);
    }

    /**
     * Connect within 5 s, answers within 30 s, frames up to 4 MiB, protocol v2 when the gateway offers it,
     * and up to 4 MiB of a stream's chunks held for a subscriber.
     */
    public static IpcClientOptions defaults() {
        return new IpcClientOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Frame.MAX_FRAME_BYTES, NEGOTIATE,
                DEFAULT_STREAM_BUFFER_BYTES);
    }

    public IpcClientOptions withConnectTimeout(Duration timeout) {
        return new IpcClientOptions(timeout, requestTimeout, maxFrameBytes, protocolVersion, streamBufferBytes);
    }

    public IpcClientOptions withRequestTimeout(Duration timeout) {
        return new IpcClientOptions(connectTimeout, timeout, maxFrameBytes, protocolVersion, streamBufferBytes);
    }

    public IpcClientOptions withMaxFrameBytes(int bytes) {
        return new IpcClientOptions(connectTimeout, requestTimeout, bytes, protocolVersion, streamBufferBytes);
    }

    /** {@link #NEGOTIATE}, or {@code 1} / {@code 2} to speak that version without asking the gateway. */
    public IpcClientOptions withProtocolVersion(int version) {
        return new IpcClientOptions(connectTimeout, requestTimeout, maxFrameBytes, version, streamBufferBytes);
    }

    /** See {@link #streamBufferBytes()}. */
    public IpcClientOptions withStreamBufferBytes(long bytes) {
        return new IpcClientOptions(connectTimeout, requestTimeout, maxFrameBytes, protocolVersion, bytes);
    }

    static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }
}
