package io.beamline.ipc.gateway.routerclient;

/**
 * How one request to the Router ended on the transport: a reply (whatever it says), or no reply and why.
 * {@link RouterClient} completes every request with one of these; it never fails its future.
 */
public sealed interface RouterResponse {

    /** The reply's body, unread. */
    record Reply(byte[] body) implements RouterResponse {
    }

    /** No reply: {@code kind} names the transport outcome, {@code message} says it for the client. */
    record NoReply(Kind kind, String message) implements RouterResponse {
    }

    enum Kind {
        /** No connection of the pool is up: nothing was sent. */
        NATS_UNAVAILABLE,
        /** The server reported no subscriber on the subject: the Router did not see the request. */
        NO_RESPONDERS,
        /** The connection dropped after the request was sent: the Router may have seen it. */
        NATS_DISCONNECTED,
        /** The deadline passed without a reply. */
        TIMEOUT,
        /** The gateway is shutting down. */
        SHUTDOWN,
        /** NATS refused the message itself (e.g. larger than the server's max payload): nothing was sent. */
        UNSENDABLE
    }
}
