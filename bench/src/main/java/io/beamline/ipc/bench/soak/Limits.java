package io.beamline.ipc.bench.soak;

/**
 * What a soak may show and still pass.
 *
 * @param rssGrowthPct     the RSS trend over the load after warm-up, in percent of where the trend starts
 *                         (Theil–Sen: a leak raises it, a spike or the heap's resizing swings do not)
 * @param heapGrowthPct    the same for heap used after GC; negative limits are not allowed
 * @param threadDelta      live threads may exceed the post-warm-up baseline by this many, under load and
 *                         once idle again
 * @param fdDelta          the same for open file descriptors
 * @param maxErrorAnswers  RESPONSE_ERROR answers allowed (the reference Router should give none)
 * @param minRateFraction  the driver must have sent at least this fraction of rate × duration
 */
public record Limits(double rssGrowthPct, double heapGrowthPct, long threadDelta, long fdDelta,
                     long maxErrorAnswers, double minRateFraction) {

    public Limits {
        if (rssGrowthPct < 0 || heapGrowthPct < 0 || threadDelta < 0 || fdDelta < 0 || maxErrorAnswers < 0
                || minRateFraction < 0 || minRateFraction > 1) {
            throw new IllegalArgumentException("limits must be >= 0 (and the rate fraction <= 1): " + this);
        }
    }
}
