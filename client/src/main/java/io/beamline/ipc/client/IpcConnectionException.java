package io.beamline.ipc.client;

/**
 * The connection to the gateway could not be opened, or it ended (EOF, I/O error, protocol violation by the
 * gateway, or {@link IpcClient#close()}). Every request still waiting fails with the same instance, and so
 * does every later call on that client; the cause, when there is one, says what broke.
 */
public final class IpcConnectionException extends RuntimeException {

    public IpcConnectionException(String message) {
        super(message);
    }

    public IpcConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
