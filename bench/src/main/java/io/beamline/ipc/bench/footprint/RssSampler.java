package io.beamline.ipc.bench.footprint;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Samples a process's RSS and thread count on its own (daemon) thread, every interval, until stopped. */
final class RssSampler {

    /** One sample; {@code nanos} is {@link System#nanoTime()}. */
    record Sample(long nanos, long rssKb, int threads) {
    }

    /**
     * @param peakMb        the highest RSS seen
     * @param atEndMb       the RSS at the mark (the burst's end)
     * @param afterMb       the last RSS sampled, {@code afterS} after the mark
     * @param settleSeconds seconds from the mark to the first sample under the settle level; -1 when none was
     */
    record Summary(double peakMb, int peakThreads, double atEndMb, double afterMb, double settleSeconds, int samples) {
    }

    private final long pid;
    private final long intervalNanos;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private final long start = System.nanoTime();

    private RssSampler(long pid, Duration interval) {
        this.pid = pid;
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this::loop, "rss-sampler");
        thread.setDaemon(true);
    }

    static RssSampler start(long pid, Duration interval) {
        RssSampler s = new RssSampler(pid, interval);
        s.sampleNow();
        s.thread.start();
        return s;
    }

    private void loop() {
        long next = System.nanoTime();
        while (!stopped) {
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            sampleNow();
        }
    }

    private void sampleNow() {
        ProcStatus st = ProcStatus.of(pid);
        if (st != null) {
            synchronized (samples) {
                samples.add(new Sample(System.nanoTime(), st.rssKb(), st.threads()));
            }
        }
    }

    /** Takes a sample now and returns its time, for {@link #summary}. */
    long mark() {
        sampleNow();
        return System.nanoTime();
    }

    void stop() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join();
        sampleNow();
    }

    Summary summary(long markNanos, int afterS, double settleMb) {
        synchronized (samples) {
            long peak = 0;
            int peakThreads = 0;
            long atEnd = -1;
            double settle = -1;
            for (Sample s : samples) {
                peak = Math.max(peak, s.rssKb());
                peakThreads = Math.max(peakThreads, s.threads());
                if (s.nanos() <= markNanos) {
                    atEnd = s.rssKb();
                } else if (settle < 0 && s.rssKb() / 1024.0 < settleMb) {
                    // already under it at the mark: settled at once
                    settle = atEnd >= 0 && atEnd / 1024.0 < settleMb ? 0 : (s.nanos() - markNanos) / 1e9;
                }
            }
            long last = samples.isEmpty() ? -1 : samples.get(samples.size() - 1).rssKb();
            return new Summary(peak / 1024.0, peakThreads, atEnd / 1024.0, last / 1024.0, settle, samples.size());
        }
    }

    void writeCsv(Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("seconds,rss_mb,threads");
            synchronized (samples) {
                for (Sample s : samples) {
                    w.printf(Locale.ROOT, "%.3f,%.1f,%d%n", (s.nanos() - start) / 1e9, s.rssKb() / 1024.0,
                            s.threads());
                }
            }
        }
    }
}
