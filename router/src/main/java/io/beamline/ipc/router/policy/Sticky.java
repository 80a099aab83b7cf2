package io.beamline.ipc.router.policy;

import java.time.Duration;

/** Sticky sessions: requests with the same value of routing-context key {@code sessionKey} keep a provider. */
public record Sticky(boolean enabled, String sessionKey, Duration ttl) {

    public static final Sticky DISABLED = new Sticky(false, "", Duration.ZERO);
}
