package io.beamline.ipc.router.decide;

/** A token bucket on an injected millisecond clock: starts full at {@code burst}, refills at {@code rate}/s. */
public final class TokenBucket {

    private final double ratePerMs;
    private final double capacity;
    private double tokens;
    private long lastMs;

    public TokenBucket(double requestsPerSecond, int burst, long nowMs) {
        this.ratePerMs = requestsPerSecond / 1000.0;
        this.capacity = burst;
        this.tokens = burst;
        this.lastMs = nowMs;
    }

    /** Takes a token: 0 when granted, else the milliseconds until one will be available (at least 1). */
    public synchronized long tryAcquire(long nowMs) {
        if (nowMs > lastMs) {
            tokens = Math.min(capacity, tokens + (nowMs - lastMs) * ratePerMs);
            lastMs = nowMs;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerMs));
    }
}
