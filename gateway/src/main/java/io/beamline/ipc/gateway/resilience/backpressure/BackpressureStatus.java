package io.beamline.ipc.gateway.resilience.backpressure;

/**
 * The Router's backpressure as last polled, as {@code /status} shows it.
 *
 * @param enabled        polling is on ({@code backpressure.poll_interval_ms} above 0)
 * @param status         {@code inactive}, {@code warning}, {@code active}, or {@code unknown} (no readable answer
 *                       yet, or polling off)
 * @param retryAfterMs   the Router's hint while {@code active}; 0 otherwise
 * @param refused        submits refused with {@code router_overloaded} since start
 * @param pollIntervalMs {@code backpressure.poll_interval_ms}
 */
public record BackpressureStatus(boolean enabled, String status, long retryAfterMs, long refused,
                                 long pollIntervalMs) {
}
