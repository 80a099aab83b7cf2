package io.beamline.ipc.protocol;

import java.nio.ByteBuffer;

/**
 * Encodes and decodes v1 and v2 frames on {@link ByteBuffer}s, frame by frame (one connection may mix them). Header rules live in {@link #checkHeader} so that
 * every decoder (this one, the gateway's Netty handler) rejects exactly the same inputs.
 */
public final class FrameCodec {

    private final int maxFrameBytes;

    public FrameCodec(int maxFrameBytes) {
        if (maxFrameBytes < Frame.HEADER_BYTES || maxFrameBytes > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in " + Frame.HEADER_BYTES + ".."
                    + Frame.MAX_FRAME_BYTES + ", was " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    public FrameCodec() {
        this(Frame.MAX_FRAME_BYTES);
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Validates a frame header.
     *
     * @param declaredLength the u32 length field, read unsigned
     * @param version        the version byte, read unsigned
     * @throws FrameException (always fatal: the stream cannot be re-synchronised after a bad header)
     */
    public static void checkHeader(long declaredLength, int version, int maxFrameBytes) {
        if (version != Frame.V1 && version != Frame.V2) {
            throw new FrameException(ErrorCode.INVALID_VERSION,
                    "unsupported protocol version " + version + "; supported: 1, 2", true);
        }
        int header = Frame.headerBytes(version);
        if (declaredLength < header) {
            throw new FrameException(ErrorCode.INVALID_PAYLOAD,
                    "declared frame length " + declaredLength + " is below the " + header + "-byte v" + version
                            + " header", true);
        }
        if (declaredLength > maxFrameBytes) {
            throw new FrameException(ErrorCode.FRAME_TOO_LARGE,
                    "declared frame length " + declaredLength + " exceeds the maximum of " + maxFrameBytes
                            + " bytes", true);
        }
    }

    /** Writes {@code frame} at the buffer's position. */
    public void encode(Frame frame, ByteBuffer out) {
        int length = frame.length();
        if (length > maxFrameBytes) {
            throw new FrameException(ErrorCode.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes exceeds the maximum of " + maxFrameBytes + " bytes", false);
        }
        out.putInt(length).put((byte) frame.version()).put((byte) frame.typeCode());
        if (frame.version() == Frame.V2) {
            out.putInt(frame.requestId());
        }
        out.put(frame.payload());
    }

    public byte[] encode(Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(frame.length());
        encode(frame, out);
        return out.array();
    }

    /**
     * Decodes one frame from the buffer's readable bytes.
     *
     * @return the frame, with the buffer's position moved past it; or {@code null} when the frame is not
     *         complete yet, with the position unchanged
     * @throws FrameException when the header is invalid
     */
    public Frame decode(ByteBuffer in) {
        if (in.remaining() < Frame.HEADER_BYTES) {
            return null;
        }
        int start = in.position();
        long length = Integer.toUnsignedLong(in.getInt(start));
        int version = in.get(start + 4) & 0xFF;
        checkHeader(length, version, maxFrameBytes);
        if (in.remaining() < length) {
            return null;
        }
        int type = in.get(start + 5) & 0xFF;
        int header = Frame.headerBytes(version);
        int requestId = version == Frame.V2 ? in.getInt(start + Frame.HEADER_BYTES) : 0;
        byte[] payload = new byte[(int) length - header];
        in.position(start + header);
        in.get(payload);
        return new Frame(version, type, requestId, payload);
    }
}
