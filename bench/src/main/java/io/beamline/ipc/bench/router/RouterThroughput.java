package io.beamline.ipc.bench.router;

import io.beamline.ipc.bench.load.FixedInFlight;
import io.beamline.ipc.bench.load.LoadResult;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput and latency of a Router alone (a benchmark, not a test): direct jnats {@code request()}
 * futures on {@code beamline.router.v1.decide} with a fixed number in flight, for a fixed time after a
 * warm-up. Starts nothing: point it at a nats-server with a Router already serving.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" io.beamline.ipc.bench.router.RouterThroughput \
 *     --nats nats://127.0.0.1:PORT [--depths 1,64,256] [--duration-s 20] [--warmup-s 5]
 * </pre>
 *
 * A decision counts when its reply starts with {@code {"ok":true}; anything else (error reply, timeout, no
 * responders) is an error. Latency is from just before {@code request()} to the reply future completing.
 */
public final class RouterThroughput {

    private static final String SUBJECT = "beamline.router.v1.decide";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] OK_PREFIX = "{\"ok\":true".getBytes(StandardCharsets.US_ASCII);

    private RouterThroughput() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Command(name = "RouterThroughput", mixinStandardHelpOptions = true,
            description = "The Router alone: direct jnats requests at a fixed number in flight.")
    static final class Cli implements Callable<Integer> {

        @Option(names = "--nats", required = true, paramLabel = "URL", description = "a NATS server with a Router")
        String url;

        @Option(names = "--depths", split = ",", defaultValue = "1,64,256", description = "requests in flight")
        List<Integer> depths;

        @Option(names = "--duration-s", defaultValue = "20")
        int durationS;

        @Option(names = "--warmup-s", defaultValue = "5")
        int warmupS;

        @Override
        public Integer call() throws Exception {
            report(url, depths, durationS, warmupS);
            return 0;
        }
    }

    private static void report(String url, List<Integer> depths, int durationS, int warmupS) throws Exception {
        List<LoadResult> results = new ArrayList<>();
        try (Connection nc = Nats.connect(new Options.Builder().server(url).connectionName("router-bench")
                .build())) {
            for (int depth : depths) {
                run(nc, depth, Duration.ofSeconds(warmupS), "w" + depth + "-");
                LoadResult r = run(nc, depth, Duration.ofSeconds(durationS), "m" + depth + "-");
                results.add(r);
                System.out.println("depth " + depth + ": " + r.summary("decisions"));
            }
        }
        System.out.println();
        System.out.println("| depth | decisions/s | p50 ms | p99 ms | p99.9 ms | errors |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (LoadResult r : results) {
            System.out.printf("| %d | %,.0f | %.2f | %.2f | %.2f | %d |%n", r.depth(), r.perSecond(), r.ms(50),
                    r.ms(99), r.ms(99.9), r.errors());
        }
    }

    /** Keeps {@code depth} requests in flight for {@code duration}, then waits for the last ones. */
    static LoadResult run(Connection nc, int depth, Duration duration, String idPrefix) throws InterruptedException {
        String head = "{\"request_id\":\"" + idPrefix;
        String tail = "\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"text.generate\","
                + "\"payload\":{\"prompt\":\"Hello, world\"}},\"constraints\":{\"max_latency_ms\":2000},"
                + "\"metadata\":{\"source\":\"bench\"}}";
        return FixedInFlight.run(depth, 1, duration, REQUEST_TIMEOUT.multipliedBy(2), (lane, n) ->
                nc.requestWithTimeout(SUBJECT, (head + n + tail).getBytes(StandardCharsets.UTF_8), REQUEST_TIMEOUT),
                RouterThroughput::isOk);
    }

    /** A reply that starts with {@code {"ok":true}. */
    public static boolean isOk(Message m) {
        byte[] data = m == null ? null : m.getData();
        if (data == null || data.length < OK_PREFIX.length) {
            return false;
        }
        for (int i = 0; i < OK_PREFIX.length; i++) {
            if (data[i] != OK_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }
}
