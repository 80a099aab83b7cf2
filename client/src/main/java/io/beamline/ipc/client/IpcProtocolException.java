package io.beamline.ipc.client;

/**
 * The gateway answered with something the protocol does not allow here: a frame type other than the one
 * the request expects, a payload that cannot be read, a frame nobody asked for (in v2: a request id no
 * request is waiting for), or a stream frame, which this client does not support yet.
 */
public final class IpcProtocolException extends RuntimeException {

    public IpcProtocolException(String message) {
        super(message);
    }

    public IpcProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
