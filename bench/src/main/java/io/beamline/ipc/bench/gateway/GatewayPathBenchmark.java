package io.beamline.ipc.bench.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.bench.load.FixedInFlight;
import io.beamline.ipc.bench.load.JvmAllocation;
import io.beamline.ipc.bench.load.LoadResult;
import io.beamline.ipc.bench.load.Machine;
import io.beamline.ipc.bench.load.ProcessCpu;
import io.beamline.ipc.bench.load.Report;
import io.beamline.ipc.bench.load.ReportOptions;
import io.beamline.ipc.bench.load.RequestRun;
import io.beamline.ipc.bench.load.SideBySide;
import io.beamline.ipc.bench.load.WindowOptions;
import io.beamline.ipc.bench.router.RouterThroughput;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gateway path against direct jnats, to the same Router, in one run (a benchmark, not a test). Starts
 * nothing: point it at a running gateway (its Unix socket) and at the nats-server its Router serves on.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" io.beamline.ipc.bench.gateway.GatewayPathBenchmark \
 *     --socket /path/gw.sock --nats nats://127.0.0.1:PORT [--depths 1,64,256] [--warmup-s 5] [--duration-s 15]
 *     [--slices 3] [--prewarm-s 10] [--gateway-connections 8] [--direct-connections 1] [--protocol auto]
 *     [--pids gateway=PID,router=PID,nats=PID] [--alloc-pids gateway=PID] [--json FILE]
 * </pre>
 *
 * <ul>
 *   <li><b>gateway</b>: {@link IpcClient#submit} of the native payload
 *       {@code {"task_type":"text.generate","payload":{"prompt":"Hello, world"}}} over the Unix socket; the
 *       gateway maps it to a DecideRequest and asks the Router over NATS. Counts when the answer is
 *       RESPONSE_OK with {@code "ok":true} and a decision. With depth D the load is spread over
 *       {@code min(D, gateway-connections)} client connections, D / connections in flight on each, in the
 *       protocol version {@code --protocol} names (auto: what the client negotiates, v2 with this gateway).</li>
 *   <li><b>direct</b>: jnats {@code requestWithTimeout(subject, headers, body, 5 s)} futures on
 *       {@code beamline.router.v1.decide} with the DecideRequest and headers the gateway would send for that
 *       submit (built the same way: UUID request_id, new 32-hex trace id, {@code default_tenant},
 *       {@code default} policy, {@code metadata.deadline}, the {@code span_id} header). Counts when the reply
 *       starts with {@code {"ok":true}.</li>
 * </ul>
 *
 * First a pre-warm of each path at the deepest depth (JIT), not measured. Then per depth, {@link SideBySide}: a
 * warm-up of each path, then the measured time cut into {@code slices} windows run in the order gateway,
 * direct, direct, gateway, gateway, direct, … (so slow drift and other load hit both paths alike), each
 * path's windows merged into one result. Latency is from just before the send to the future completing
 * (client-side JSON and framing included), HdrHistogram in µs. With {@code --pids}, the CPU time of each
 * process (and of this one) is read from /proc around every window; with {@code --alloc-pids gateway=PID}, the
 * gateway's heap allocation ({@link JvmAllocation}). {@code --json FILE} writes the results as a {@link Report}.
 */
public final class GatewayPathBenchmark {

    private static final String SUBJECT = "beamline.router.v1.decide";
    private static final Duration DIRECT_TIMEOUT = Duration.ofSeconds(5); // the gateway's router.timeout_ms
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10); // above the gateway's own deadline
    private static final Duration DRAIN = Duration.ofSeconds(20);
    private static final HexFormat HEX = HexFormat.of();

    private static final ObjectNode PROMPT = JsonNodeFactory.instance.objectNode().put("prompt", "Hello, world");
    static final ObjectNode SUBMIT = JsonNodeFactory.instance.objectNode().put("task_type", "text.generate");

    static {
        SUBMIT.set("payload", PROMPT);
    }

    private final List<IpcClient> clients;
    private final List<Connection> natsConnections;
    private final ProcessCpu cpu;
    private final JvmAllocation alloc;

    private GatewayPathBenchmark(List<IpcClient> clients, List<Connection> natsConnections, ProcessCpu cpu,
                                 JvmAllocation alloc) {
        this.clients = clients;
        this.natsConnections = natsConnections;
        this.cpu = cpu;
        this.alloc = alloc;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Command(name = "GatewayPathBenchmark", mixinStandardHelpOptions = true,
            description = "The gateway path against direct jnats to the same Router, alternating in one run.")
    static final class Cli implements Callable<Integer> {

        @Mixin
        WindowOptions windows;

        @Mixin
        ReportOptions report;

        @Option(names = "--socket", required = true, paramLabel = "PATH", description = "the gateway's socket")
        Path socket;

        @Option(names = "--nats", required = true, paramLabel = "URL", description = "the NATS server the Router uses")
        String url;

        @Option(names = "--depths", split = ",", defaultValue = "1,64,256", description = "requests in flight")
        List<Integer> depths;

        @Option(names = "--gateway-connections", defaultValue = "8")
        int gatewayConnections;

        @Option(names = "--direct-connections", defaultValue = "1")
        int directConnections;

        @Option(names = "--protocol", defaultValue = "auto", paramLabel = "auto|1|2",
                description = "the gateway clients' protocol: auto (the client's default: v2 when offered), 1 or 2")
        String protocol;


        @Override
        public Integer call() throws Exception {
            if (windows.slices() < 1 || gatewayConnections < 1 || directConnections < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--slices, --gateway-connections and --direct-connections must be at least 1");
            }
            if (!List.of("auto", "1", "2").contains(protocol)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--protocol must be auto, 1 or 2");
            }
            IpcClientOptions options = IpcClientOptions.defaults().withProtocolVersion(protocolVersion(protocol));
            Instant started = Instant.now();
            List<Double> loadBefore = Machine.loadAverage();
            ProcessCpu cpu = windows.cpu();
            List<IpcClient> clients = new ArrayList<>();
            List<Connection> ncs = new ArrayList<>();
            try (JvmAllocation alloc = windows.alloc()) {
                for (int i = 0; i < gatewayConnections; i++) {
                    clients.add(IpcClient.connect(socket, options));
                }
                for (int i = 0; i < directConnections; i++) {
                    ncs.add(Nats.connect(new Options.Builder().server(url).connectionName("gateway-bench-direct-" + i)
                            .build()));
                }
                List<SideBySide.Pair> all = new GatewayPathBenchmark(clients, ncs, cpu, alloc).runAll(depths,
                        windows.prewarm(), windows.warmup(), windows.duration(), windows.slices());
                if (report.json() != null) {
                    new Report(Machine.describe(report, started, loadBefore), RequestRun.of(all, true, false))
                            .write(report.json());
                    System.out.println("# JSON: " + report.json());
                }
            } finally {
                clients.forEach(IpcClient::close);
                for (Connection nc : ncs) {
                    nc.close();
                }
            }
            return 0;
        }
    }

    /** {@code auto}, {@code 1} or {@code 2} as {@link IpcClientOptions#withProtocolVersion}. */
    static int protocolVersion(String option) {
        return switch (option) {
            case "auto" -> IpcClientOptions.NEGOTIATE;
            case "1" -> 1;
            case "2" -> 2;
            default -> throw new IllegalArgumentException("--protocol must be auto, 1 or 2, was " + option);
        };
    }

    private List<SideBySide.Pair> runAll(List<Integer> depths, Duration prewarm, Duration warmup, Duration duration,
                                         int slices) throws Exception {
        // One of each first, so a broken set-up fails here and not as a wall of errors.
        TaskResponse first = clients.get(0).submit(SUBMIT, CLIENT_TIMEOUT).get(CLIENT_TIMEOUT.toSeconds(),
                TimeUnit.SECONDS);
        System.out.println("# gateway answer: " + first.body());
        System.out.println("# gateway protocol: v" + clients.get(0).protocolVersion());
        DirectCall call = DirectCall.next();
        Message reply = natsConnections.get(0).requestWithTimeout(SUBJECT, call.headers(), call.body(), DIRECT_TIMEOUT)
                .get(DIRECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        System.out.println("# direct request: " + call.headers().entrySet() + " " + new String(call.body(),
                StandardCharsets.UTF_8));
        System.out.println("# direct reply:   " + new String(reply.getData(), StandardCharsets.UTF_8));
        System.out.println("# cpu of: " + cpu.pids());
        printAllocationReading(alloc);
        SideBySide.Path gateway = viaGateway(clients);
        SideBySide.Path direct = new SideBySide.Path() {
            @Override
            public String name() {
                return "direct";
            }

            @Override
            public int connections(int depth) {
                return Math.min(depth, natsConnections.size());
            }

            @Override
            public LoadResult run(int depth, Duration d) throws InterruptedException {
                return FixedInFlight.run(depth, Math.min(depth, natsConnections.size()), d, DRAIN, (lane, n) -> {
                    DirectCall c = DirectCall.next();
                    return natsConnections.get(lane).requestWithTimeout(SUBJECT, c.headers(), c.body(), DIRECT_TIMEOUT);
                }, RouterThroughput::isOk);
            }
        };
        if (!prewarm.isZero()) {
            // At depth 1 a 5 s warm-up is only ~10-20k requests: not enough for C2 to finish with the gateway.
            int deepest = depths.stream().mapToInt(Integer::intValue).max().orElse(1);
            System.out.printf("# pre-warm: %d s of each path at depth %d, not measured%n", prewarm.toSeconds(), deepest);
            gateway.run(deepest, prewarm);
            direct.run(deepest, prewarm);
        }
        List<SideBySide.Pair> all = new ArrayList<>();
        for (int depth : depths) {
            SideBySide.Pair pair = SideBySide.measure(gateway, direct, depth, warmup, duration, slices, cpu, alloc,
                    System.out);
            all.add(pair);
            System.out.println();
            SideBySide.printDepth(System.out, pair);
            System.out.println();
        }
        SideBySide.printSummary(System.out, all);
        return all;
    }

    /** Which JVMs' allocation is read, and what one reading itself allocates in each (to judge the figures by). */
    static void printAllocationReading(JvmAllocation alloc) {
        alloc.readingCost().forEach((jvm, bytes) -> System.out.printf(
                "# allocation of %s read over JMX around every window; one reading allocates %,.0f bytes in it%n",
                jvm, bytes));
    }

    /**
     * {@link IpcClient#submit} of {@link #SUBMIT} over {@code clients}, named {@code gateway}: with depth D the
     * load is spread over {@code min(D, clients)} connections.
     */
    static SideBySide.Path viaGateway(List<IpcClient> clients) {
        return viaGateway("gateway", clients);
    }

    static SideBySide.Path viaGateway(String name, List<IpcClient> clients) {
        return new SideBySide.Path() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int connections(int depth) {
                return Math.min(depth, clients.size());
            }

            @Override
            public LoadResult run(int depth, Duration d) throws InterruptedException {
                return FixedInFlight.run(depth, Math.min(depth, clients.size()), d, DRAIN,
                        (lane, n) -> clients.get(lane).submit(SUBMIT, CLIENT_TIMEOUT), GatewayPathBenchmark::isDecision);
            }
        };
    }

    static boolean isDecision(TaskResponse r) {
        return r.body().path("ok").asBoolean(false) && r.decision().isPresent();
    }

    /**
     * The DecideRequest and headers the gateway's DecideRequestMapper builds for {@link #SUBMIT} (with
     * {@code policy_id} and {@code stream} as the submit names them): the same fields, headers and
     * {@code metadata.deadline} (now + the gateway's default 5 s {@code router.timeout_ms}).
     */
    record DirectCall(String requestId, Headers headers, byte[] body) {

        static DirectCall next() {
            return next("default", false);
        }

        static DirectCall next(String policyId, boolean stream) {
            String requestId = UUID.randomUUID().toString();
            String traceId = randomHex(16);
            String spanId = randomHex(8);
            String traceparent = "00-" + traceId + "-" + spanId + "-01";
            ObjectNode task = JsonNodeFactory.instance.objectNode().put("type", "text.generate");
            task.set("payload", PROMPT);
            if (stream) {
                task.put("stream", true);
            }
            ObjectNode request = JsonNodeFactory.instance.objectNode();
            request.put("version", "1");
            request.put("request_id", requestId);
            request.put("tenant_id", "default_tenant");
            request.put("trace_id", traceId);
            request.set("task", task);
            request.put("policy_id", policyId);
            request.putObject("metadata").put("deadline", System.currentTimeMillis() + DIRECT_TIMEOUT.toMillis());
            Headers h = new Headers();
            h.put("trace_id", traceId);
            h.put("tenant_id", "default_tenant");
            h.put("version", "1");
            h.put("traceparent", traceparent);
            h.put("span_id", spanId);
            h.put("request_id", requestId);
            return new DirectCall(requestId, h, Json.write(request));
        }

        private static String randomHex(int bytes) {
            byte[] b = new byte[bytes];
            ThreadLocalRandom.current().nextBytes(b);
            return HEX.formatHex(b); // all zeros (invalid in W3C) has odds 2^-64: not worth a loop here
        }
    }
}
