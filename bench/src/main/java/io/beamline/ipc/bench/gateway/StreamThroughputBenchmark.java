package io.beamline.ipc.bench.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.bench.load.Machine;
import io.beamline.ipc.bench.load.ProcessCpu;
import io.beamline.ipc.bench.load.Report;
import io.beamline.ipc.bench.load.ReportOptions;
import io.beamline.ipc.bench.load.SideBySide;
import io.beamline.ipc.bench.router.RouterThroughput;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Streamed chunks per second through the gateway against a direct NATS subscription to the same Router's stream,
 * in one run (a benchmark, not a test). Starts nothing: point it at a running gateway and the nats-server of a
 * Router that knows the stream policy, which this class writes with {@code --write-policy DIR} (then exits).
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" io.beamline.ipc.bench.gateway.StreamThroughputBenchmark \
 *     --write-policy DIR [--chunks 100000] [--chunk-bytes 64] [--interval-ms 0] [--policy bench_stream]
 * java … StreamThroughputBenchmark --socket /path/gw.sock --nats nats://127.0.0.1:PORT [same stream options]
 *     [--warmup-streams 3] [--streams 10] [--timeout-s 120] [--pids gateway=PID,router=PID,nats=PID]
 *     [--json FILE]
 * </pre>
 *
 * <ul>
 *   <li><b>gateway</b>: a {@link RawV2Client} sends a v2 TASK_SUBMIT {@code {"task_type":"text.generate",
 *       "payload":{"prompt":"Hello, world"},"policy_id":<policy>,"stream":true}} and reads RESPONSE_OK (with a
 *       decision), the STREAM_DATA frames and STREAM_COMPLETE, all under the submit's request id.</li>
 *   <li><b>direct</b>: one jnats connection subscribes (a dispatcher) to
 *       {@code beamline.router.v1.stream.<request_id>}, then sends the DecideRequest the gateway would send
 *       ({@link GatewayPathBenchmark.DirectCall} with {@code task.stream: true}) and reads the chunks until the
 *       message with {@code Beamline-Stream-End: complete}.</li>
 * </ul>
 *
 * Each stream is timed from just before its submit is sent to its end message; chunks must arrive with seq 1, 2,
 * 3, … and number exactly {@code --chunks} of {@code --chunk-bytes} each (the end's own counts too), else the run
 * fails (exit 1). After {@code --warmup-streams} of each (not measured), {@code --streams} of each run one at a
 * time in the order gateway, direct, direct, gateway, …, with the CPU time of every process around each.
 * {@code --json FILE} writes a {@link Report} whose runs are one {@link StreamRun} per path.
 */
public final class StreamThroughputBenchmark {

    static final String DECIDE = "beamline.router.v1.decide";
    static final String STREAM_PREFIX = "beamline.router.v1.stream.";
    static final String SEQ = "Beamline-Stream-Seq";
    static final String END = "Beamline-Stream-End";
    private static final Duration DECIDE_TIMEOUT = Duration.ofSeconds(5);

    /** One stream's shape, as the policy tells the Router. */
    record Shape(int chunks, int chunkBytes, int intervalMs, String policy) {

        long bytes() {
            return (long) chunks * chunkBytes;
        }

        /** The Router policy {@code <tenant>/<policy>.json}: one provider, this stream. */
        ObjectNode policyDocument() {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.putArray("providers").addObject().put("name", "openai").put("weight", 100);
            doc.putObject("stream").put("chunks", chunks).put("chunk_bytes", chunkBytes).put("interval_ms", intervalMs);
            return doc;
        }

        /** The gateway path's TASK_SUBMIT payload. */
        byte[] submit() {
            ObjectNode s = GatewayPathBenchmark.SUBMIT.deepCopy();
            s.put("policy_id", policy);
            s.put("stream", true);
            return Json.write(s);
        }
    }

    /**
     * Streams of one path, added up.
     *
     * @param seconds    submit-to-end time of the streams, added
     * @param firstChunk submit-to-first-chunk time of each stream, in ms
     */
    record Streams(String path, int streams, long chunks, long bytes, double seconds, List<Double> firstChunk,
                   Map<String, Double> cpuSeconds) {

        static Streams none(String path, ProcessCpu cpu) {
            Map<String, Double> zero = new LinkedHashMap<>();
            cpu.pids().keySet().forEach(p -> zero.put(p, 0.0));
            return new Streams(path, 0, 0, 0, 0, List.of(), zero);
        }

        Streams plus(long moreChunks, long moreBytes, double moreSeconds, double firstChunkMs,
                     Map<String, Double> moreCpu) {
            List<Double> first = new ArrayList<>(firstChunk);
            first.add(firstChunkMs);
            return new Streams(path, streams + 1, chunks + moreChunks, bytes + moreBytes, seconds + moreSeconds,
                    List.copyOf(first), ProcessCpu.sum(cpuSeconds, moreCpu));
        }

        double chunksPerSecond() {
            return chunks / seconds;
        }

        /** Data (chunk) bytes per second, in MB (10^6 bytes). */
        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }

        double medianFirstChunkMs() {
            List<Double> sorted = firstChunk.stream().sorted().toList();
            int n = sorted.size();
            return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        double cpuMicrosPerChunk(String process) {
            return cpuSeconds.getOrDefault(process, Double.NaN) * 1e6 / chunks;
        }

        double cores(String process) {
            return cpuSeconds.getOrDefault(process, Double.NaN) / seconds;
        }

        StreamRun json() {
            Map<String, Double> cpu = new LinkedHashMap<>();
            cpuSeconds.keySet().forEach(p -> {
                double us = cpuMicrosPerChunk(p);
                cpu.put(p.equals("bench") ? "client" : p, Double.isFinite(us) ? us : null);
            });
            return new StreamRun(path, streams, chunks, chunksPerSecond(), megabytesPerSecond(),
                    medianFirstChunkMs(), cpu);
        }
    }

    /**
     * One path's streams in the JSON report: the stream mode's counterpart of
     * {@link io.beamline.ipc.bench.load.RequestRun}, with the same naming ({@code client} is this process).
     */
    record StreamRun(
            @JsonProperty("path") String path,
            @JsonProperty("streams") int streams,
            @JsonProperty("chunks") long chunks,
            @JsonProperty("chunks_per_s") double chunksPerS,
            @JsonProperty("mb_per_s") double mbPerS,
            @JsonProperty("first_chunk_ms_median") double firstChunkMsMedian,
            @JsonProperty("cpu_us_per_chunk") Map<String, Double> cpuUsPerChunk) {
    }

    /** A stream that did not arrive whole: the run fails. */
    static final class BrokenStream extends Exception {
        BrokenStream(String message) {
            super(message);
        }
    }

    private final RawV2Client gateway;
    private final Connection nats;
    private final Dispatcher dispatcher;
    private final Shape shape;
    private final Duration timeout;
    private final ProcessCpu cpu;

    private StreamThroughputBenchmark(RawV2Client gateway, Connection nats, Shape shape, Duration timeout,
                                      ProcessCpu cpu) {
        this.gateway = gateway;
        this.nats = nats;
        this.dispatcher = nats.createDispatcher();
        this.shape = shape;
        this.timeout = timeout;
        this.cpu = cpu;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Command(name = "StreamThroughputBenchmark", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Streamed chunks/s through the gateway against a direct NATS subscription to the same Router.")
    static final class Cli implements Callable<Integer> {

        @Mixin
        ReportOptions report;

        @Option(names = "--socket", paramLabel = "PATH", description = "the gateway's socket")
        Path socket;

        @Option(names = "--nats", paramLabel = "URL", description = "the NATS server the Router uses")
        String url;

        @Option(names = "--write-policy", paramLabel = "DIR",
                description = "write DIR/default_tenant/<policy>.json for the Router's --policies, then exit")
        Path writePolicy;

        @Option(names = "--chunks", defaultValue = "100000", description = "chunks per stream (Router: 0..100000)")
        int chunks;

        @Option(names = "--chunk-bytes", defaultValue = "64")
        int chunkBytes;

        @Option(names = "--interval-ms", defaultValue = "0", description = "the Router's pause before each chunk")
        int intervalMs;

        @Option(names = "--policy", defaultValue = "bench_stream", description = "policy id (tenant default_tenant)")
        String policy;

        @Option(names = "--warmup-streams", defaultValue = "3", description = "streams of each path, not measured")
        int warmupStreams;

        @Option(names = "--streams", defaultValue = "10", description = "measured streams of each path")
        int streams;

        @Option(names = "--timeout-s", defaultValue = "120", description = "longest one stream may take")
        int timeoutS;

        @Option(names = "--pids", paramLabel = "name=PID,...", description = "processes whose CPU time to report")
        String pids;

        @Override
        public Integer call() throws Exception {
            CommandLine cl = new CommandLine(this);
            if (chunks < 1 || chunks > 100_000 || chunkBytes < 1 || intervalMs < 0 || warmupStreams < 0
                    || streams < 1 || timeoutS < 1) {
                throw new CommandLine.ParameterException(cl, "--chunks must be 1..100000, --chunk-bytes, --streams"
                        + " and --timeout-s at least 1, --interval-ms and --warmup-streams at least 0");
            }
            Shape shape = new Shape(chunks, chunkBytes, intervalMs, policy);
            if (writePolicy != null) {
                Path file = writePolicy.resolve("default_tenant").resolve(policy + ".json");
                Files.createDirectories(file.getParent());
                Files.write(file, Json.write(shape.policyDocument()));
                System.out.println(file);
                return 0;
            }
            if (socket == null || url == null) {
                throw new CommandLine.ParameterException(cl, "--socket and --nats are required (or --write-policy)");
            }
            Instant started = Instant.now();
            List<Double> loadBefore = Machine.loadAverage();
            ProcessCpu cpu = ProcessCpu.parse(pids, "bench");
            try (RawV2Client gw = RawV2Client.connect(socket);
                 Connection nc = Nats.connect(new Options.Builder().server(url).connectionName("stream-bench-direct")
                         .build())) {
                List<Streams> both = new StreamThroughputBenchmark(gw, nc, shape, Duration.ofSeconds(timeoutS), cpu)
                        .run(warmupStreams, streams);
                if (report.json() != null) {
                    new Report(Machine.describe(report, started, loadBefore), both.stream().map(Streams::json).toList())
                            .write(report.json());
                    System.out.println("# JSON: " + report.json());
                }
            } catch (BrokenStream e) {
                System.out.println("FAILED: " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    /** The gateway's streams and the direct ones, each added up. */
    private List<Streams> run(int warmupStreams, int streams) throws Exception {
        System.out.printf("# stream: %,d chunks of %d B, interval %d ms, policy default_tenant/%s%n", shape.chunks(),
                shape.chunkBytes(), shape.intervalMs(), shape.policy());
        System.out.println("# gateway submit: " + new String(shape.submit(), StandardCharsets.UTF_8));
        System.out.println("# cpu of: " + cpu.pids());
        for (int i = 0; i < warmupStreams; i++) {
            System.out.printf("warm-up %d: gateway %s; direct %s%n", i + 1, describe(viaGateway()), describe(direct()));
        }
        List<Streams> merged = new ArrayList<>(List.of(Streams.none("gateway", cpu), Streams.none("direct", cpu)));
        for (int s = 0; s < streams; s++) {
            for (int i : SideBySide.order(s)) {
                Map<String, Double> before = cpu.sample();
                One one = i == 0 ? viaGateway() : direct();
                Map<String, Double> used = ProcessCpu.delta(before, cpu.sample());
                merged.set(i, merged.get(i).plus(one.chunks, one.bytes, one.seconds, one.firstChunkMs, used));
                System.out.printf("stream %d, %-7s: %s%n", s + 1, merged.get(i).path(), describe(one));
            }
        }
        System.out.println();
        print(merged.get(0), merged.get(1));
        return merged;
    }

    /** One whole stream. */
    record One(long chunks, long bytes, double seconds, double firstChunkMs) {
    }

    private static String describe(One one) {
        return String.format("%,d chunks in %.3f s = %,.0f chunks/s, %.1f MB/s, first chunk %.1f ms", one.chunks,
                one.seconds, one.chunks / one.seconds, one.bytes / one.seconds / 1e6, one.firstChunkMs);
    }

    private One viaGateway() throws IOException, BrokenStream {
        RawV2Client.Streamed s;
        try {
            s = gateway.submitStream(shape.submit(), timeout);
        } catch (TimeoutException e) {
            throw new BrokenStream("gateway: no STREAM_COMPLETE within " + timeout.toSeconds() + " s");
        }
        ChunkCount c = s.count();
        String why = !s.complete() ? (c.failure() != null ? c.failure() : "the stream did not complete")
                : c.verdict(shape.chunks(), shape.bytes(), s.end().path("chunks").asLong(-1),
                s.end().path("bytes").asLong(-1));
        if (why != null) {
            throw new BrokenStream("gateway: " + why + (s.end() == null ? ""
                    : "; its terminal frame: " + (s.complete() ? "STREAM_COMPLETE " : "STREAM_ERROR ") + s.end()));
        }
        return one(c, s.sentNanos(), s.endNanos());
    }

    private One direct() throws Exception {
        GatewayPathBenchmark.DirectCall call = GatewayPathBenchmark.DirectCall.next(shape.policy(), true);
        ChunkCount count = new ChunkCount();
        CompletableFuture<Message> end = new CompletableFuture<>();
        Subscription sub = dispatcher.subscribe(STREAM_PREFIX + call.requestId(), m -> {
            Headers h = m.getHeaders();
            String seq = h == null ? null : h.getFirst(SEQ);
            if (seq == null) {
                count.fail("a stream message without " + SEQ);
            } else if (h.getFirst(END) != null) {
                if (Long.parseLong(seq) != count.chunks() + 1) {
                    count.fail("the end message has seq " + seq + " after " + count.chunks() + " chunks");
                }
                end.complete(m);
            } else {
                count.chunk(Long.parseLong(seq), m.getData() == null ? 0 : m.getData().length);
            }
        });
        try {
            long sent = System.nanoTime();
            Message reply = nats.requestWithTimeout(DECIDE, call.headers(), call.body(), DECIDE_TIMEOUT)
                    .get(DECIDE_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
            if (!RouterThroughput.isOk(reply)) {
                throw new BrokenStream("direct: the decide reply is not ok: "
                        + new String(reply.getData(), StandardCharsets.UTF_8));
            }
            Message last;
            try {
                last = end.get(timeout.toNanos() - (System.nanoTime() - sent), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new BrokenStream("direct: no end message within " + timeout.toSeconds() + " s (" + count.chunks()
                        + " chunks came)");
            }
            long ended = System.nanoTime();
            String kind = last.getHeaders().getFirst(END);
            ObjectNode body = endBody(last);
            String why = !"complete".equals(kind) ? "the stream did not complete"
                    : count.verdict(shape.chunks(), shape.bytes(), body.path("chunks").asLong(-1),
                    body.path("bytes").asLong(-1));
            if (why != null) {
                throw new BrokenStream("direct: " + why + "; its end message: " + kind + " " + body);
            }
            return one(count, sent, ended);
        } finally {
            dispatcher.unsubscribe(sub);
        }
    }

    private static ObjectNode endBody(Message m) {
        try {
            return Json.parseObject(m.getData());
        } catch (ProtocolException e) {
            return Json.mapper().createObjectNode();
        }
    }

    private static One one(ChunkCount c, long sent, long ended) {
        return new One(c.chunks(), c.bytes(), (ended - sent) / 1e9, (c.firstChunkNanos() - sent) / 1e6);
    }

    private void print(Streams g, Streams d) {
        System.out.println("## streamed chunks");
        System.out.println();
        System.out.println("| path | streams | chunks | data MB | wall s | chunks/s | MB/s | first chunk ms (median) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Streams s : List.of(g, d)) {
            System.out.printf("| %s | %d | %,d | %.1f | %.2f | %,.0f | %.2f | %.1f |%n", s.path(), s.streams(),
                    s.chunks(), s.bytes() / 1e6, s.seconds(), s.chunksPerSecond(), s.megabytesPerSecond(),
                    s.medianFirstChunkMs());
        }
        System.out.printf("| **gateway / direct** | | | | | **%.2f** | **%.2f** | %.2f |%n",
                g.chunksPerSecond() / d.chunksPerSecond(), g.megabytesPerSecond() / d.megabytesPerSecond(),
                g.medianFirstChunkMs() / d.medianFirstChunkMs());
        System.out.println();
        System.out.print("| path |");
        g.cpuSeconds().keySet().forEach(p -> System.out.print(" " + p + " cores | " + p + " µs/chunk |"));
        System.out.println(" total µs/chunk |");
        System.out.print("|---|");
        g.cpuSeconds().keySet().forEach(p -> System.out.print("---:|---:|"));
        System.out.println("---:|");
        for (Streams s : List.of(g, d)) {
            System.out.printf("| %s |", s.path());
            double total = 0;
            for (String p : s.cpuSeconds().keySet()) {
                System.out.printf(" %.2f | %.2f |", s.cores(p), s.cpuMicrosPerChunk(p));
                total += s.cpuSeconds().get(p);
            }
            System.out.printf(" %.2f |%n", total * 1e6 / s.chunks());
        }
        System.out.println();
        double ratio = g.chunksPerSecond() / d.chunksPerSecond();
        System.out.printf("# target (issue 9): gateway >= 0.70 of direct chunks/s: %.2f, %s%n", ratio,
                ratio >= 0.70 ? "met" : "missed");
    }
}
