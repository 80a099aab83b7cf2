package io.beamline.ipc.bench.soak;

import picocli.CommandLine.Option;

/** What a soak may show and still pass, as options: the soak itself and a verdict taken again afterwards. */
public final class LimitOptions {

    @Option(names = "--max-rss-growth-pct", defaultValue = "10",
            description = "RSS trend over the load, in percent, default ${DEFAULT-VALUE}")
    double maxRssGrowthPct;

    @Option(names = "--max-heap-growth-pct", defaultValue = "20",
            description = "heap-after-GC trend over the load, in percent, default ${DEFAULT-VALUE}")
    double maxHeapGrowthPct;

    @Option(names = "--thread-delta", defaultValue = "3")
    long threadDelta;

    @Option(names = "--fd-delta", defaultValue = "4")
    long fdDelta;

    @Option(names = "--max-error-answers", defaultValue = "0")
    long maxErrorAnswers;

    @Option(names = "--min-rate-fraction", defaultValue = "0.95")
    double minRateFraction;

    Limits limits() {
        return new Limits(maxRssGrowthPct, maxHeapGrowthPct, threadDelta, fdDelta, maxErrorAnswers, minRateFraction);
    }
}
