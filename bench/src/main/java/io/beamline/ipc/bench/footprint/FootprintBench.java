package io.beamline.ipc.bench.footprint;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Json;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The measuring half of {@code bench/run-footprint.sh} (issue 10); the script starts the deployment. Prints
 * human lines ({@code #}) and {@code key=value} lines the script reads.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" io.beamline.ipc.bench.footprint.FootprintBench \
 *     ready --runs 5 --ready-text listening --stderr FILE -- bin/ipc-gateway --socket /tmp/gw-{i}.sock ...
 * java ... FootprintBench burst --socket PATH --pid GATEWAY_PID [--connections 1000] [--per-connection 10]
 *     [--after-s 60] [--sample-ms 200] [--samples FILE.csv]
 * </pre>
 */
@Command(name = "FootprintBench", mixinStandardHelpOptions = true,
        subcommands = {FootprintBench.Ready.class, FootprintBench.Burst.class},
        description = "Ready time over several launches; RSS of a gateway through a burst of connections.")
public final class FootprintBench {

    public static void main(String[] args) {
        System.exit(new CommandLine(new FootprintBench()).execute(args));
    }

    @Command(name = "ready", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Launches COMMAND --runs times; each: exec to the first stdout line containing the ready"
                    + " text, then SIGTERM. {i} in COMMAND is the run number.")
    static final class Ready implements Callable<Integer> {
        @Option(names = "--runs", defaultValue = "5")
        int runs;

        @Option(names = "--ready-text", defaultValue = "listening")
        String readyText;

        @Option(names = "--stderr", required = true, paramLabel = "FILE", description = "the launches' stderr")
        File stderr;

        @Parameters(arity = "1..*", paramLabel = "COMMAND")
        List<String> command;

        @Override
        public Integer call() throws Exception {
            List<Double> ms = ReadyTime.measure(command, readyText, runs, stderr, 30);
            System.out.println("# ready times (ms, in run order): "
                    + ms.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).collect(Collectors.joining(" ")));
            System.out.printf(Locale.ROOT, "ready.median_ms=%.0f%n", ReadyTime.median(ms));
            System.out.printf(Locale.ROOT, "ready.min_ms=%.0f%n", ms.stream().mapToDouble(d -> d).min().orElse(0));
            System.out.printf(Locale.ROOT, "ready.max_ms=%.0f%n", ms.stream().mapToDouble(d -> d).max().orElse(0));
            System.out.println("ready.runs=" + ms.size());
            return 0;
        }
    }

    @Command(name = "burst", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Opens --connections connections to the gateway, sends --per-connection v2 submits"
                    + " pipelined on each, reads every answer, closes them; samples the gateway's RSS throughout"
                    + " and for --after-s seconds after.")
    static final class Burst implements Callable<Integer> {
        @Option(names = "--socket", required = true, paramLabel = "PATH")
        Path socket;

        @Option(names = "--pid", required = true, description = "the gateway's PID (its RSS is sampled)")
        long pid;

        @Option(names = "--connections", defaultValue = "1000")
        int connections;

        @Option(names = "--per-connection", defaultValue = "10")
        int perConnection;

        @Option(names = "--timeout-s", defaultValue = "60", description = "for every answer to come")
        int timeoutS;

        @Option(names = "--after-s", defaultValue = "60", description = "sampling after the burst")
        int afterS;

        @Option(names = "--sample-ms", defaultValue = "200")
        int sampleMs;

        @Option(names = "--settle-mb", defaultValue = "120", description = "report when RSS is first below this")
        double settleMb;

        @Option(names = "--samples", paramLabel = "FILE.csv", description = "every RSS sample, as CSV")
        File samplesCsv;

        @Override
        public Integer call() throws Exception {
            ObjectNode submit = JsonNodeFactory.instance.objectNode().put("task_type", "text.generate");
            submit.set("payload", JsonNodeFactory.instance.objectNode().put("prompt", "Hello, world"));
            RssSampler sampler = RssSampler.start(pid, Duration.ofMillis(sampleMs));
            ProcStatus before = ProcStatus.of(pid);
            ConnectionBurst.Result r = ConnectionBurst.run(socket, connections, perConnection, Json.write(submit),
                    Duration.ofSeconds(timeoutS));
            long burstEnd = sampler.mark();
            System.out.printf(Locale.ROOT, "# burst: %d connections x %d submits in %.2f s; answered %d of %d;"
                            + " %d connection(s) failed%n", connections, perConnection, r.seconds(), r.answered(),
                    r.expected(), r.failedConnections());
            System.out.println("# answers by kind: " + r.byKind());
            Thread.sleep(afterS * 1000L);
            sampler.stop();
            RssSampler.Summary s = sampler.summary(burstEnd, afterS, settleMb);
            if (samplesCsv != null) {
                sampler.writeCsv(samplesCsv.toPath());
            }
            System.out.printf(Locale.ROOT, "burst.connections=%d%n", connections);
            System.out.printf(Locale.ROOT, "burst.expected=%d%n", r.expected());
            System.out.printf(Locale.ROOT, "burst.answered=%d%n", r.answered());
            System.out.printf(Locale.ROOT, "burst.ok=%d%n", r.ok());
            System.out.printf(Locale.ROOT, "burst.failed_connections=%d%n", r.failedConnections());
            System.out.printf(Locale.ROOT, "burst.seconds=%.2f%n", r.seconds());
            List<String> kinds = new ArrayList<>();
            r.byKind().forEach((k, v) -> kinds.add(k + ": " + v));
            System.out.println("burst.answers=" + String.join(", ", kinds));
            System.out.printf(Locale.ROOT, "burst.rss_before_mb=%.1f%n", before == null ? -1 : before.rssMb());
            System.out.printf(Locale.ROOT, "burst.peak_rss_mb=%.1f%n", s.peakMb());
            System.out.printf(Locale.ROOT, "burst.peak_threads=%d%n", s.peakThreads());
            System.out.printf(Locale.ROOT, "burst.rss_at_end_mb=%.1f%n", s.atEndMb());
            System.out.printf(Locale.ROOT, "burst.rss_after_mb=%.1f%n", s.afterMb());
            System.out.printf(Locale.ROOT, "burst.after_s=%d%n", afterS);
            System.out.printf(Locale.ROOT, "burst.settle_s=%s%n",
                    s.settleSeconds() < 0 ? "never" : String.format(Locale.ROOT, "%.1f", s.settleSeconds()));
            System.out.printf(Locale.ROOT, "burst.samples=%d%n", s.samples());
            return 0;
        }
    }
}
