package io.beamline.ipc.router.policy;

/** A per-policy token bucket: refills {@code requestsPerSecond}, holds at most {@code burst} tokens. */
public record RateLimit(boolean enabled, double requestsPerSecond, int burst) {

    public static final double DEFAULT_RPS = 100;
    public static final int DEFAULT_BURST = 50;
    public static final RateLimit DISABLED = new RateLimit(false, DEFAULT_RPS, DEFAULT_BURST);
}
