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

    public static void main(String[] args) throws Exception {
        String url = null;
        List<Integer> depths = List.of(256);
        int durationS = 20;
        int warmupS = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nats" -> url = args[++i];
                case "--depths" -> {
                    List<Integer> d = new ArrayList<>();
                    for (String s : args[++i].split(",")) {
                        d.add(Integer.parseInt(s.trim()));
                    }
                    depths = d;
                }
                case "--duration-s" -> durationS = Integer.parseInt(args[++i]);
                case "--warmup-s" -> warmupS = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: RouterThroughput --nats URL [--depths 1,64,256] [--duration-s 20]"
                            + " [--warmup-s 5]");
                    System.exit(2);
                }
            }
        }
        if (url == null) {
            System.err.println("RouterThroughput: --nats URL is required");
            System.exit(2);
        }
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
