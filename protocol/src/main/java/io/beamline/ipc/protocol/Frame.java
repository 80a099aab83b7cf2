package io.beamline.ipc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One protocol frame: {@code [u32 BE total length incl. header][u8 version][u8 type][payload]}.
 * The type is kept as its raw wire code so that an unknown type can be answered, not dropped.
 */
public record Frame(int typeCode, byte[] payload) {

    public static final int VERSION = 0x01;
    public static final int HEADER_BYTES = 6;
    /** Default and hard ceiling for a whole frame, header included (4 MiB, as v1 defines). */
    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (typeCode < 0 || typeCode > 0xFF) {
            throw new IllegalArgumentException("type code out of range 0..255: " + typeCode);
        }
        payload = payload == null ? EMPTY : payload;
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
        return HEADER_BYTES + payload.length;
    }

    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** By content: a record would compare the payload arrays by identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.typeCode == typeCode && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * typeCode + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        MessageType t = type();
        return "Frame[" + (t == null ? String.format("0x%02X", typeCode) : t.name()) + ", " + payload.length + " B]";
    }
}
