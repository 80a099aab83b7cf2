package io.beamline.ipc.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time (user + system, all threads) of named processes, read from {@code /proc/PID/stat} (Linux only).
 * Clock ticks are taken as 100 per second (USER_HZ on Linux for x86 and arm64), so the resolution is 10 ms:
 * use windows of seconds, not milliseconds.
 */
public final class ProcessCpu {

    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> pids;

    /** {@code pids}: name → PID, in the order to report them. */
    public ProcessCpu(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    /** Parses {@code name=pid,name=pid}; an empty or null spec gives only {@code self}. */
    public static ProcessCpu parse(String spec, String selfName) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(selfName, ProcessHandle.current().pid());
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                String[] kv = part.trim().split("=", 2);
                m.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return new ProcessCpu(m);
    }

    public Map<String, Long> pids() {
        return pids;
    }

    /** CPU seconds used so far by each process; a process that cannot be read gives NaN. */
    public Map<String, Double> sample() {
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name, cpuSeconds(pid)));
        return out;
    }

    /** {@code after - before}, per process. */
    public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        before.forEach((name, b) -> out.put(name, after.getOrDefault(name, Double.NaN) - b));
        return out;
    }

    /** Adds two deltas, per process. */
    public static Map<String, Double> sum(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> out = new LinkedHashMap<>(a);
        b.forEach((name, v) -> out.merge(name, v, Double::sum));
        return out;
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) is f[12].
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
