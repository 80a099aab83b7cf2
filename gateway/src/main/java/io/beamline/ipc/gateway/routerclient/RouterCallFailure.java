package io.beamline.ipc.gateway.routerclient;

/**
 * A Router call that ended without a reply. {@link Kind} names the transport outcome; ErrorTranslation
 * turns it into the client's error.
 */
public final class RouterCallFailure extends RuntimeException {

    public enum Kind {
        /** No connection of the pool is up: nothing was sent. */
        NATS_UNAVAILABLE,
        /** The server reported no subscriber on the subject: the Router did not see the request. */
        NO_RESPONDERS,
        /** The connection dropped after the request was sent: the Router may have seen it. */
        NATS_DISCONNECTED,
        /** The deadline passed without a reply. */
        TIMEOUT,
        /** The gateway is shutting down. */
        SHUTDOWN
    }

    private final Kind kind;

    public RouterCallFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
