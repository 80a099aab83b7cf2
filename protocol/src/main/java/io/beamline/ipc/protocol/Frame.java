package io.beamline.ipc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One protocol frame. v1: {@code [u32 BE total length incl. header][u8 version=1][u8 type][payload]};
 * v2 adds a request id: {@code [u32 length][u8 version=2][u8 type][u32 BE request_id][payload]}.
 * The type is kept as its raw wire code so that an unknown type can be answered, not dropped. An answer has
 * its request's version and request id ({@link #answer}).
 *
 * @param requestId 0 in v1; chosen by the client in v2, an unsigned 32-bit value kept in an int
 */
public record Frame(int version, int typeCode, int requestId, byte[] payload) {

    public static final int V1 = 0x01;
    public static final int V2 = 0x02;
    /** The version of frames made without one (v1: what every client speaks). */
    public static final int VERSION = V1;
    /** The v1 header; the smallest frame of any version. */
    public static final int HEADER_BYTES = 6;
    public static final int V2_HEADER_BYTES = 10;
    /** Default and hard ceiling for a whole frame, header included (4 MiB, as v1 defines). */
    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (version != V1 && version != V2) {
            throw new IllegalArgumentException("no protocol version " + version);
        }
        if (typeCode < 0 || typeCode > 0xFF) {
            throw new IllegalArgumentException("type code out of range 0..255: " + typeCode);
        }
        if (version == V1 && requestId != 0) {
            throw new IllegalArgumentException("a v1 frame has no request id");
        }
        payload = payload == null ? EMPTY : payload;
    }

    /** A v1 frame. */
    public Frame(int typeCode, byte[] payload) {
        this(V1, typeCode, 0, payload);
    }

    /** A v2 frame carrying {@code requestId}. */
    public static Frame v2(MessageType type, int requestId, byte[] payload) {
        return new Frame(V2, type.code(), requestId, payload);
    }

    /** A frame of {@code type} answering this one: same version, same request id. */
    public Frame answer(MessageType type, byte[] payload) {
        return new Frame(version, type.code(), requestId, payload);
    }

    public Frame answer(MessageType type) {
        return answer(type, EMPTY);
    }

    /** This frame as the answer to {@code request}: its version and request id. */
    public Frame answering(Frame request) {
        return new Frame(request.version, typeCode, request.requestId, payload);
    }

    public static int headerBytes(int version) {
        return version == V2 ? V2_HEADER_BYTES : HEADER_BYTES;
    }

    public static Frame of(MessageType type, byte[] payload) {
        return new Frame(type.code(), payload);
    }

    public static Frame of(MessageType type) {
        return new Frame(type.code(), EMPTY);
    }

    /** The known type, or {@code null} for a code v1 does not define. */
    public MessageType type() {
        return MessageType.fromCode(typeCode);
    }

    public int length() {
        return headerBytes(version) + payload.length;
    }

    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** By content: a record would compare the payload arrays by identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.version == version && f.typeCode == typeCode && f.requestId == requestId
                && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((31 * version + typeCode) * 31 + requestId) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        MessageType t = type();
        return "Frame[v" + version + (version == V2 ? " #" + Integer.toUnsignedString(requestId) : "") + ", "
                + (t == null ? String.format("0x%02X", typeCode) : t.name()) + ", " + payload.length + " B]";
    }
}
