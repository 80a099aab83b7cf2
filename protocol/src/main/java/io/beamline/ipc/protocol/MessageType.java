package io.beamline.ipc.protocol;

/**
 * The twelve message types of the protocol (the same in v1 and v2), with the direction each may travel.
 * A client sending a {@link Direction#SERVER_TO_CLIENT} type gets {@link ErrorCode#INVALID_TYPE}.
 */
public enum MessageType {
    TASK_SUBMIT(0x01, Direction.CLIENT_TO_SERVER),
    TASK_QUERY(0x02, Direction.CLIENT_TO_SERVER),
    TASK_CANCEL(0x03, Direction.CLIENT_TO_SERVER),
    STREAM_SUBSCRIBE(0x04, Direction.CLIENT_TO_SERVER),
    STREAM_DATA(0x05, Direction.SERVER_TO_CLIENT),
    STREAM_COMPLETE(0x06, Direction.SERVER_TO_CLIENT),
    STREAM_ERROR(0x07, Direction.SERVER_TO_CLIENT),
    RESPONSE_OK(0x10, Direction.SERVER_TO_CLIENT),
    RESPONSE_ERROR(0x11, Direction.SERVER_TO_CLIENT),
    PING(0xF0, Direction.CLIENT_TO_SERVER),
    PONG(0xF1, Direction.SERVER_TO_CLIENT),
    CAPABILITIES(0xF2, Direction.CLIENT_TO_SERVER);

    public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Direction direction;

    MessageType(int code, Direction direction) {
        this.code = code;
        this.direction = direction;
    }

    /** The type byte on the wire, 0..255. */
    public int code() {
        return code;
    }

    public Direction direction() {
        return direction;
    }

    public boolean sentByClient() {
        return direction == Direction.CLIENT_TO_SERVER;
    }

    /** The type with this wire code, or {@code null} when the protocol defines none. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The wire code as the docs write it, e.g. {@code 0x01}. */
    public String hex() {
        return String.format("0x%02X", code);
    }
}
