package io.beamline.ipc.client;

/**
 * The gateway answered with something protocol v1 does not allow here: a frame type other than the one
 * the request expects, a payload that cannot be read, or a frame nobody asked for.
 */
public final class IpcProtocolException extends RuntimeException {

    public IpcProtocolException(String message) {
        super(message);
    }

    public IpcProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
