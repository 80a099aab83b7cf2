package io.beamline.ipc.router.policy;

/** A policy file that cannot be used; the message names the file and the offending field. */
public final class PolicyException extends RuntimeException {

    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
