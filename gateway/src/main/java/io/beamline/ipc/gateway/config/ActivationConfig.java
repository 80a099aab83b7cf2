package io.beamline.ipc.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a gateway started by systemd socket activation does when no one uses it: with {@code idleExit} above
 * zero, it drains and exits 0 once no connection has been open and nothing has been in flight for that long
 * (systemd keeps the socket and starts it again on the next connection). Without activation it does nothing.
 *
 * @param idleExit {@link Duration#ZERO} = never exit for idleness
 */
public record ActivationConfig(Duration idleExit) {

    public static final ActivationConfig DEFAULTS = new ActivationConfig(Duration.ZERO);

    public ActivationConfig {
        Objects.requireNonNull(idleExit, "idleExit");
        if (idleExit.isNegative()) {
            throw new IllegalArgumentException("invalid activation idle exit: " + idleExit);
        }
    }

    public boolean idleExitEnabled() {
        return !idleExit.isZero();
    }
}
