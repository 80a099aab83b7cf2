package io.beamline.ipc.client;

/**
 * The application did not take a stream's chunks as fast as they came: more than
 * {@link IpcClientOptions#streamBufferBytes()} of them waited for its demand (or for a subscriber). The
 * client does not stop reading the socket, which every other request on the connection shares, and does not
 * buffer without bound either: it cancels the stream (TASK_CANCEL), drops what it held and signals this.
 */
public final class StreamBufferOverflowException extends RuntimeException {

    private final long limitBytes;
    private final long delivered;

    public StreamBufferOverflowException(String taskId, long limitBytes, long delivered) {
        super("stream of task " + (taskId == null ? "(not named yet)" : taskId) + " cancelled: more than "
                + limitBytes + " bytes of chunks waited for the subscriber's demand (" + delivered
                + " chunks delivered before); request chunks sooner, or raise IpcClientOptions.streamBufferBytes");
        this.limitBytes = limitBytes;
        this.delivered = delivered;
    }

    /** The bound that was exceeded. */
    public long limitBytes() {
        return limitBytes;
    }

    /** Chunks handed to the subscriber before the overflow. */
    public long delivered() {
        return delivered;
    }
}
