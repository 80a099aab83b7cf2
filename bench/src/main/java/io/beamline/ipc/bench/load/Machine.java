package io.beamline.ipc.bench.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a benchmark ran on, for the JSON report: enough to tell two runs' set-ups apart.
 *
 * @param loadAverageBefore the 1, 5 and 15 minute load averages when the benchmark started (empty off Linux)
 * @param gatewaySettings   the {@code BEAMLINE_*} environment: the launcher gives the gateway the environment it
 *                          gives this process, so these are the gateway's settings that differ from its defaults
 */
public record Machine(
        @JsonProperty("nproc") int nproc,
        @JsonProperty("cpu_model") String cpuModel,
        @JsonProperty("kernel") String kernel,
        @JsonProperty("jdk") String jdk,
        @JsonProperty("nats_server") String natsServer,
        @JsonProperty("load_average_before") List<Double> loadAverageBefore,
        @JsonProperty("load_average_after") List<Double> loadAverageAfter,
        @JsonProperty("date_utc") String dateUtc,
        @JsonProperty("git_commit") String gitCommit,
        @JsonProperty("git_dirty") Boolean gitDirty,
        @JsonProperty("command") String command,
        @JsonProperty("gateway_settings") Map<String, String> gatewaySettings) {

    /**
     * This machine now; {@code started} and {@code loadBefore} were taken when the benchmark started. The JDK is
     * this process's: the launchers give the gateway and the Router the same one (scripts/find-jdk).
     */
    public static Machine describe(ReportOptions facts, Instant started, List<Double> loadBefore) {
        Map<String, String> settings = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("BEAMLINE_")) {
                settings.put(k, v);
            }
        });
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), readKernel(), thisJdk(),
                facts.natsServerVersion, loadBefore, loadAverage(), started.truncatedTo(ChronoUnit.SECONDS).toString(),
                facts.gitCommit, facts.gitDirty, facts.commandLine, settings);
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg; empty where there is none. */
    public static List<Double> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return Arrays.stream(f, 0, 3).map(Double::valueOf).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static String readKernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /**
     * As the second line of {@code java -version}, e.g.
     * {@code OpenJDK Runtime Environment Temurin-25.0.3+9 (build 25.0.3+9-LTS)}.
     */
    static String thisJdk() {
        String vendor = System.getProperty("java.vendor.version");
        return System.getProperty("java.runtime.name") + (vendor == null ? "" : " " + vendor) + " (build "
                + System.getProperty("java.runtime.version") + ")";
    }
}
