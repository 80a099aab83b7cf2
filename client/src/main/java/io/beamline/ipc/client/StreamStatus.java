package io.beamline.ipc.client;

/**
 * How a stream ended: the {@code status} of its terminal frame (docs/PROTOCOL.md, "Streaming").
 * {@link #COMPLETE} comes in STREAM_COMPLETE, every other status in STREAM_ERROR.
 */
public enum StreamStatus {
    /** The Router finished the output; every chunk was delivered. */
    COMPLETE("complete"),
    /** The Router ended the stream with an error. */
    ERROR("error"),
    /** TASK_CANCEL, the submitting client went away, the Router cancelled it, or the gateway stopped. */
    CANCELLED("cancelled"),
    /** No message from the Router for the gateway's {@code streams.idle_timeout_ms}. */
    TIMEOUT("timeout"),
    /** A Router message is missing: the output is incomplete. */
    GAP("gap"),
    /** The client did not read: more than the gateway's {@code streams.max_buffered_bytes} waited for it. */
    OVERFLOW("overflow"),
    /** A status this client does not know; {@link StreamEnd#statusName()} has it as sent. */
    OTHER("other");

    private final String wireName;

    StreamStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The status as the gateway writes it, e.g. {@code gap}. */
    public String wireName() {
        return wireName;
    }

    /** The status named {@code name} on the wire; {@link #OTHER} for one this client does not know. */
    public static StreamStatus fromWire(String name) {
        for (StreamStatus s : values()) {
            if (s != OTHER && s.wireName.equals(name)) {
                return s;
            }
        }
        return OTHER;
    }
}
