package io.beamline.ipc.bench.gateway;

import io.beamline.ipc.bench.load.JvmAllocation;
import io.beamline.ipc.bench.load.Machine;
import io.beamline.ipc.bench.load.ProcessCpu;
import io.beamline.ipc.bench.load.Report;
import io.beamline.ipc.bench.load.ReportOptions;
import io.beamline.ipc.bench.load.RequestRun;
import io.beamline.ipc.bench.load.SideBySide;
import io.beamline.ipc.bench.load.WindowOptions;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Frame;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Protocol v2 multiplexing against v1 pipelining through the same gateway and Router, in one run (a benchmark,
 * not a test). Starts nothing: point it at a running gateway's Unix socket.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" io.beamline.ipc.bench.gateway.MultiplexingBenchmark \
 *     --socket /path/gw.sock [--depths 256,64] [--v2-connections 1] [--v1-connections 8] [--warmup-s 5]
 *     [--duration-s 15] [--slices 3] [--prewarm-s 10] [--pids gateway=PID,router=PID,nats=PID]
 *     [--alloc-pids gateway=PID] [--json FILE]
 * </pre>
 *
 * Both paths are {@link IpcClient#submit} of the request {@link GatewayPathBenchmark} sends, with the same
 * acceptance (RESPONSE_OK, {@code "ok":true}, a decision); only the connections differ:
 * <ul>
 *   <li><b>v2</b>: {@code --v2-connections} (1) clients forced to v2: depth D is D requests in flight on one
 *       connection, each under its own request id, answered in any order.</li>
 *   <li><b>v1</b>: {@code --v1-connections} (8) clients forced to v1: D / 8 pipelined on each, answered in
 *       order per connection.</li>
 * </ul>
 * A pre-warm of each at the deepest depth (not measured), then per depth {@link SideBySide}: a warm-up of each,
 * then alternating windows v2, v1, v1, v2, …, with the CPU time of each process (and the gateway's allocation,
 * with {@code --alloc-pids}) around every window. {@code --json FILE}: a {@link Report} with runs {@code v2} and
 * {@code v1}, both through the gateway.
 */
public final class MultiplexingBenchmark {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private MultiplexingBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Command(name = "MultiplexingBenchmark", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "v2 multiplexing (one connection) against v1 pipelining (several) through one gateway.")
    static final class Cli implements Callable<Integer> {

        @Mixin
        WindowOptions windows;

        @Mixin
        ReportOptions report;

        @Option(names = "--socket", required = true, paramLabel = "PATH", description = "the gateway's socket")
        Path socket;

        @Option(names = "--depths", split = ",", defaultValue = "256,64", description = "requests in flight in all")
        List<Integer> depths;

        @Option(names = "--v2-connections", defaultValue = "1")
        int v2Connections;

        @Option(names = "--v1-connections", defaultValue = "8")
        int v1Connections;

        @Override
        public Integer call() throws Exception {
            if (windows.slices() < 1 || v2Connections < 1 || v1Connections < 1
                    || depths.stream().anyMatch(d -> d < 1)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--slices, --v2-connections, --v1-connections and --depths must be at least 1");
            }
            Instant started = Instant.now();
            List<Double> loadBefore = Machine.loadAverage();
            ProcessCpu cpu = windows.cpu();
            List<IpcClient> v2 = new ArrayList<>();
            List<IpcClient> v1 = new ArrayList<>();
            try (JvmAllocation alloc = windows.alloc()) {
                for (int i = 0; i < v2Connections; i++) {
                    v2.add(IpcClient.connect(socket, IpcClientOptions.defaults().withProtocolVersion(Frame.V2)));
                }
                for (int i = 0; i < v1Connections; i++) {
                    v1.add(IpcClient.connect(socket, IpcClientOptions.defaults().withProtocolVersion(Frame.V1)));
                }
                List<SideBySide.Pair> all = run(v2, v1, cpu, alloc, depths, windows.prewarm(), windows.warmup(),
                        windows.duration(), windows.slices());
                if (report.json() != null) {
                    new Report(Machine.describe(report, started, loadBefore), RequestRun.of(all, true, true))
                            .write(report.json());
                    System.out.println("# JSON: " + report.json());
                }
            } finally {
                v2.forEach(IpcClient::close);
                v1.forEach(IpcClient::close);
            }
            return 0;
        }
    }

    private static List<SideBySide.Pair> run(List<IpcClient> v2, List<IpcClient> v1, ProcessCpu cpu,
                                             JvmAllocation alloc, List<Integer> depths, Duration prewarm,
                                             Duration warmup, Duration duration, int slices) throws Exception {
        // One of each first, so a broken set-up fails here and not as a wall of errors.
        for (IpcClient c : List.of(v2.get(0), v1.get(0))) {
            TaskResponse r = c.submit(GatewayPathBenchmark.SUBMIT, CLIENT_TIMEOUT)
                    .get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            System.out.println("# v" + c.protocolVersion() + " answer: " + r.body());
        }
        System.out.println("# cpu of: " + cpu.pids());
        GatewayPathBenchmark.printAllocationReading(alloc);
        SideBySide.Path multiplexed = GatewayPathBenchmark.viaGateway("v2", v2);
        SideBySide.Path pipelined = GatewayPathBenchmark.viaGateway("v1", v1);
        if (!prewarm.isZero()) {
            int deepest = depths.stream().mapToInt(Integer::intValue).max().orElse(1);
            System.out.printf("# pre-warm: %d s of each path at depth %d, not measured%n", prewarm.toSeconds(), deepest);
            multiplexed.run(deepest, prewarm);
            pipelined.run(deepest, prewarm);
        }
        List<SideBySide.Pair> all = new ArrayList<>();
        for (int depth : depths) {
            SideBySide.Pair pair = SideBySide.measure(multiplexed, pipelined, depth, warmup, duration, slices, cpu,
                    alloc, System.out);
            all.add(pair);
            System.out.println();
            SideBySide.printDepth(System.out, pair);
            System.out.println();
        }
        SideBySide.printSummary(System.out, all);
        System.out.println();
        for (SideBySide.Pair pair : all) {
            System.out.printf("# target (issue 9): v2 >= 0.80 of the v1 throughput at depth %d: %.2f, %s%n",
                    pair.depth(), pair.throughputRatio(), pair.throughputRatio() >= 0.80 ? "met" : "missed");
        }
        return all;
    }
}
