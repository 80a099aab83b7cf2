package io.beamline.ipc.gateway.config;

/** A configuration value that cannot be used; the message names the key, the value, its source and the range. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
