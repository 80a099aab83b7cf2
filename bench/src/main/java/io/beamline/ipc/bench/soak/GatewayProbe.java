package io.beamline.ipc.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Reads the gateway's resources from outside: the OS's view from {@code /proc/PID} (RSS, open file
 * descriptors; Linux only) and the gateway's own from its Prometheus endpoint (heap, live threads, pending
 * Router requests, open connections).
 *
 * <p>Heap "after GC": metrics cannot trigger a collection, so before each sample this runs
 * {@code jcmd PID GC.run} (a System.gc(), a full collection with G1) and then reads
 * {@code jvm_memory_used_bytes{area="heap"}}. What is left is the live set plus whatever was allocated
 * between the GC and the scrape (a few ms of traffic): a leak shows as a rising floor, where the plain heap
 * gauge only shows G1's saw-tooth. RSS is read after that GC too, so it is not inflated by a full eden; as G1
 * gives the shrunk heap back concurrently (a few ms to a second later), RSS is read five times over the second
 * after the GC and the smallest reading is kept: a single reading swung by 3-13 MiB with where it fell.
 * The cost is one full GC per sample interval in the gateway (a pause of a few ms at this heap size) and
 * one short-lived jcmd JVM in the driver.
 */
public final class GatewayProbe {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(30);
    private static final int RSS_READS = 5;
    private static final Duration RSS_READ_GAP = Duration.ofMillis(250);

    private final long pid;
    private final URI metrics;
    private final boolean forceGc;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    /** @param adminUrl e.g. {@code http://127.0.0.1:PORT} or the full {@code …/metrics} address */
    public GatewayProbe(long pid, String adminUrl, boolean forceGc) {
        this.pid = pid;
        String base = adminUrl.replaceAll("/+$", "");
        this.metrics = URI.create(base.endsWith("/metrics") ? base : base + "/metrics");
        this.forceGc = forceGc;
    }

    public long pid() {
        return pid;
    }

    public Sample.Resources sample() {
        if (forceGc) {
            runGc();
        }
        String text = scrape();
        return new Sample.Resources(
                forceGc ? smallestOf(this::rssBytes, RSS_READS, RSS_READ_GAP) : rssBytes(),
                asLong(PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")),
                asLong(PrometheusText.sum(text, "jvm_threads_live_threads", "")),
                fdCount(),
                asLong(PrometheusText.sum(text, "router_requests_pending", "")),
                asLong(PrometheusText.sum(text, "ipc_connections_open", "")),
                loadAverage());
    }

    private void runGc() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(JCMD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                System.err.println("soak: jcmd GC.run did not finish in " + JCMD_TIMEOUT);
            }
        } catch (IOException e) {
            System.err.println("soak: cannot run jcmd: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String scrape() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(HTTP_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return ""; // every metric reads as -1: the verdict fails on it instead of the sampler dying
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The smallest of {@code reads} readings {@code gap} apart; -1 when none could be read (the process is gone). */
    static long smallestOf(LongSupplier reading, int reads, Duration gap) {
        long smallest = -1;
        for (int i = 0; i < reads; i++) {
            if (i > 0) {
                LockSupport.parkNanos(gap.toNanos());
            }
            long v = reading.getAsLong();
            if (v >= 0 && (smallest < 0 || v < smallest)) {
                smallest = v;
            }
        }
        return smallest;
    }

    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024; // "VmRSS:   123456 kB"
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable
        }
        return -1;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long fdCount() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long asLong(OptionalDouble v) {
        return v.isPresent() ? Math.round(v.getAsDouble()) : -1;
    }
}
