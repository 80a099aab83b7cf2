package io.beamline.ipc.bench.router;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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

    record Result(int depth, double seconds, long decisions, long errors, Histogram latencyMicros) {
        double perSecond() {
            return decisions / seconds;
        }
    }

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
        List<Result> results = new ArrayList<>();
        try (Connection nc = Nats.connect(new Options.Builder().server(url).connectionName("router-bench")
                .build())) {
            for (int depth : depths) {
                run(nc, depth, Duration.ofSeconds(warmupS), "w" + depth + "-");
                Result r = run(nc, depth, Duration.ofSeconds(durationS), "m" + depth + "-");
                results.add(r);
                System.out.printf("depth %d: %,.0f decisions/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms,"
                                + " %d decisions, %d errors in %.1f s%n", depth, r.perSecond(),
                        ms(r, 50), ms(r, 99), ms(r, 99.9), r.latencyMicros().getMaxValue() / 1000.0, r.decisions(),
                        r.errors(), r.seconds());
            }
        }
        System.out.println();
        System.out.println("| depth | decisions/s | p50 ms | p99 ms | p99.9 ms | errors |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %d | %,.0f | %.2f | %.2f | %.2f | %d |%n", r.depth(), r.perSecond(), ms(r, 50),
                    ms(r, 99), ms(r, 99.9), r.errors());
        }
    }

    private static double ms(Result r, double percentile) {
        return r.latencyMicros().getValueAtPercentile(percentile) / 1000.0;
    }

    /** Keeps {@code depth} requests in flight for {@code duration}, then waits for the last ones. */
    static Result run(Connection nc, int depth, Duration duration, String idPrefix) throws InterruptedException {
        Semaphore inFlight = new Semaphore(depth);
        Recorder recorder = new Recorder(3);
        LongAdder decisions = new LongAdder();
        LongAdder errors = new LongAdder();
        String head = "{\"request_id\":\"" + idPrefix;
        String tail = "\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"text.generate\","
                + "\"payload\":{\"prompt\":\"Hello, world\"}},\"constraints\":{\"max_latency_ms\":2000},"
                + "\"metadata\":{\"source\":\"bench\"}}";
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long n = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            byte[] body = (head + n++ + tail).getBytes(StandardCharsets.UTF_8);
            long sent = System.nanoTime();
            CompletableFuture<Message> reply = nc.requestWithTimeout(SUBJECT, body, REQUEST_TIMEOUT);
            reply.whenComplete((m, e) -> {
                long tookMicros = (System.nanoTime() - sent) / 1_000;
                if (e == null && isOk(m)) {
                    decisions.increment();
                    recorder.recordValue(tookMicros);
                } else {
                    errors.increment();
                }
                inFlight.release();
            });
        }
        if (!inFlight.tryAcquire(depth, REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)) {
            System.err.println("RouterThroughput: requests still in flight after the run");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(depth, seconds, decisions.sum(), errors.sum(), recorder.getIntervalHistogram());
    }

    private static boolean isOk(Message m) {
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
