package io.beamline.ipc.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code /proc/PID/status}: resident set size and thread count of a process (Linux only). */
record ProcStatus(long rssKb, int threads) {

    /** The process's status now, or null when it cannot be read (it exited). */
    static ProcStatus of(long pid) {
        long rss = -1;
        int threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return rss < 0 ? null : new ProcStatus(rss, threads);
    }

    double rssMb() {
        return rssKb / 1024.0;
    }
}
