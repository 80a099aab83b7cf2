package io.beamline.ipc.gateway.resilience.breaker;

/**
 * The Router circuit breaker at one moment, as {@code /status} shows it.
 *
 * @param state              {@code closed}, {@code open} or {@code half_open}
 * @param failureRatePercent the failure rate of the window; null while it holds fewer than the minimum calls
 * @param opened             times the breaker opened since start
 * @param refused            submits refused with {@code circuit_open} since start
 * @param openMs             how long it stays open before probing ({@code breaker.open_ms})
 */
public record BreakerStatus(String state, Float failureRatePercent, long opened, long refused, long openMs) {
}
