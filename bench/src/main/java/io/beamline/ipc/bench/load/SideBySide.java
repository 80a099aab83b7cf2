package io.beamline.ipc.bench.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two paths doing the same request, measured at one depth in alternating windows of one run, so that slow
 * drift and other load hit both alike: a warm-up of each, then the measured time cut into {@code slices}
 * windows in the order first, second, second, first, first, second, … Each path's windows are merged into one
 * {@link Measured}, with the CPU seconds each process of {@link ProcessCpu} used during them and the heap bytes
 * each JVM of {@link JvmAllocation} allocated during them.
 */
public final class SideBySide {

    /** One way of sending the request. */
    public interface Path {

        /** Short name for the tables, e.g. {@code gateway}, {@code v2}. */
        String name();

        /** How many connections {@code depth} in flight is spread over. */
        int connections(int depth);

        /** How {@code depth} in flight is spread, e.g. {@code 8 × 32}. */
        default String shape(int depth) {
            int lanes = connections(depth);
            return depth % lanes == 0 ? lanes + " × " + depth / lanes : lanes + " conns, " + depth + " in flight";
        }

        /** One closed-loop window of {@code depth} in flight. */
        LoadResult run(int depth, Duration duration) throws InterruptedException;
    }

    /**
     * One path's merged windows at one depth, with the CPU seconds each process used and the heap bytes each
     * JVM allocated during them.
     */
    public record Measured(String path, String shape, int connections, LoadResult result,
                           Map<String, Double> cpuSeconds, Map<String, Double> allocatedBytes) {

        /** Both windows as one: counts, time, CPU and allocation add, histograms merge. */
        public Measured plus(Measured other) {
            return new Measured(path, shape, connections, result.plus(other.result),
                    ProcessCpu.sum(cpuSeconds, other.cpuSeconds), ProcessCpu.sum(allocatedBytes, other.allocatedBytes));
        }

        /** CPU time of {@code process} per successful request, in µs (NaN without requests or a reading). */
        public double cpuMicrosPerRequest(String process) {
            return cpuSeconds.getOrDefault(process, Double.NaN) * 1e6 / result.done();
        }

        /** Heap bytes {@code jvm} allocated per successful request (NaN without requests or a reading). */
        public double allocatedBytesPerRequest(String jvm) {
            return allocatedBytes.getOrDefault(jvm, Double.NaN) / result.done();
        }

        /** All processes' CPU time per successful request, in µs. */
        public double totalCpuMicrosPerRequest() {
            return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / result.done();
        }

        /** The average number of cores {@code process} used while this path was measured. */
        public double cores(String process) {
            return cpuSeconds.getOrDefault(process, Double.NaN) / result.seconds();
        }
    }

    /** Both paths at one depth; ratios are first / second. */
    public record Pair(int depth, Measured first, Measured second) {

        public double throughputRatio() {
            return first.result().perSecond() / second.result().perSecond();
        }

        public double latencyRatio(double percentile) {
            return first.result().ms(percentile) / second.result().ms(percentile);
        }

        public String label() {
            return first.path() + " / " + second.path();
        }
    }

    private SideBySide() {
    }

    /** Which path runs first in window {@code slice} (0-based): 0 (the first path) or 1. Windows 0, 2, 4, … start with the first. */
    public static List<Integer> order(int slice) {
        return slice % 2 == 0 ? List.of(0, 1) : List.of(1, 0);
    }

    /**
     * Warms up each path, then runs {@code slices} windows of {@code duration / slices} each per path, in
     * alternating order, printing one line per window on {@code log}. The CPU time and the allocation are read
     * just before and just after each window, so the warm-ups and the drains between windows count for neither.
     */
    public static Pair measure(Path first, Path second, int depth, Duration warmup, Duration duration, int slices,
                               ProcessCpu cpu, JvmAllocation alloc, PrintStream log) throws InterruptedException {
        if (slices < 1) {
            throw new IllegalArgumentException("slices must be at least 1, was " + slices);
        }
        List<Path> paths = List.of(first, second);
        int width = Math.max(first.name().length(), second.name().length());
        for (Path p : paths) {
            p.run(depth, warmup);
        }
        Duration slice = duration.dividedBy(slices);
        List<Measured> merged = new ArrayList<>(List.of(empty(first, depth, cpu, alloc),
                empty(second, depth, cpu, alloc)));
        for (int s = 0; s < slices; s++) {
            for (int i : order(s)) {
                Path p = paths.get(i);
                // Allocation outside CPU: serving the reading (an RMI call) costs the measured JVM CPU time too.
                Map<String, Double> allocBefore = alloc.sample();
                Map<String, Double> before = cpu.sample();
                LoadResult r = p.run(depth, slice);
                Map<String, Double> used = ProcessCpu.delta(before, cpu.sample());
                Map<String, Double> allocated = ProcessCpu.delta(allocBefore, alloc.sample());
                log.printf("depth %d, window %d, %-" + width + "s: %s%n", depth, s + 1, p.name(),
                        r.summary("requests"));
                merged.set(i, merged.get(i).plus(new Measured(p.name(), p.shape(depth), p.connections(depth), r,
                        used, allocated)));
            }
        }
        return new Pair(depth, merged.get(0), merged.get(1));
    }

    /** Nothing measured yet: the start of a merge. */
    static Measured empty(Path p, int depth, ProcessCpu cpu, JvmAllocation alloc) {
        Map<String, Double> zero = new LinkedHashMap<>();
        cpu.pids().keySet().forEach(name -> zero.put(name, 0.0));
        Map<String, Double> none = new LinkedHashMap<>();
        alloc.names().forEach(name -> none.put(name, 0.0));
        return new Measured(p.name(), p.shape(depth), p.connections(depth), LoadResult.empty(depth), zero, none);
    }

    /** The depth's two tables: throughput and latency with the ratios, then CPU by process. */
    public static void printDepth(PrintStream out, Pair pair) {
        out.printf("## depth %d%n%n", pair.depth());
        out.println("| path | connections × in flight | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | ok | errors |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Measured m : List.of(pair.first(), pair.second())) {
            LoadResult r = m.result();
            out.printf("| %s | %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %,d | %d |%n", m.path(), m.shape(),
                    r.perSecond(), r.ms(50), r.ms(99), r.ms(99.9), r.maxMs(), r.done(), r.errors());
        }
        out.printf("| %s | | %.2f | %.2f | %.2f | %.2f | | | |%n", pair.label(), pair.throughputRatio(),
                pair.latencyRatio(50), pair.latencyRatio(99), pair.latencyRatio(99.9));
        out.println();
        out.print("| path | wall s |");
        pair.first().cpuSeconds().keySet().forEach(p -> out.print(" " + p + " cores | " + p + " µs/req |"));
        out.println(" total µs/req |");
        out.print("|---|---:|");
        pair.first().cpuSeconds().keySet().forEach(p -> out.print("---:|---:|"));
        out.println("---:|");
        for (Measured m : List.of(pair.first(), pair.second())) {
            out.printf("| %s | %.1f |", m.path(), m.result().seconds());
            for (String p : m.cpuSeconds().keySet()) {
                out.printf(" %.2f | %.1f |", m.cores(p), m.cpuMicrosPerRequest(p));
            }
            out.printf(" %.1f |%n", m.totalCpuMicrosPerRequest());
        }
        for (String jvm : pair.first().allocatedBytes().keySet()) {
            out.println();
            out.printf("allocation per request (%s): %,.0f bytes on %s, %,.0f bytes on %s%n", jvm,
                    pair.first().allocatedBytesPerRequest(jvm), pair.first().path(),
                    pair.second().allocatedBytesPerRequest(jvm), pair.second().path());
        }
    }

    /** One table over all depths, each depth's ratio row in bold. */
    public static void printSummary(PrintStream out, List<Pair> all) {
        out.println("## summary");
        out.println();
        out.println("| depth | path | connections × in flight | requests/s | p50 ms | p99 ms | p99.9 ms | errors |");
        out.println("|---:|---|---|---:|---:|---:|---:|---:|");
        for (Pair pair : all) {
            for (Measured m : List.of(pair.first(), pair.second())) {
                LoadResult r = m.result();
                out.printf("| %d | %s | %s | %,.0f | %.2f | %.2f | %.2f | %d |%n", pair.depth(), m.path(), m.shape(),
                        r.perSecond(), r.ms(50), r.ms(99), r.ms(99.9), r.errors());
            }
            out.printf("| %d | **%s** | | **%.2f** | **%.2f** | **%.2f** | **%.2f** | |%n", pair.depth(), pair.label(),
                    pair.throughputRatio(), pair.latencyRatio(50), pair.latencyRatio(99), pair.latencyRatio(99.9));
        }
    }
}
