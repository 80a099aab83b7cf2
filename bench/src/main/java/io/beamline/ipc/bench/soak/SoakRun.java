package io.beamline.ipc.bench.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * One soak against a running gateway: a baseline sample before any client connects, then the open-loop
 * load with a sample every interval, then (once every request has ended and the clients have closed) one
 * last idle sample. Samples are taken on the calling thread at fixed times from the start, so a slow
 * sample (the forced GC) does not shift the ones after it.
 */
public final class SoakRun {

    /** How long the gateway gets to notice closed clients and finish its last Router requests. */
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final Duration SETTLE_POLL = Duration.ofMillis(500);

    /**
     * @param warmup          load before the verdict's baseline: JIT, pools and the gateway's bounded task
     *                        registry (10,000 entries by default) fill up first
     * @param requestTimeout  a request with no answer by then counts as unanswered
     */
    public record Settings(Path socket, double rate, int connections, Duration duration, Duration warmup,
                           Duration sampleInterval, Duration requestTimeout, String taskType) {

        public Settings {
            if (!(rate > 0) || connections < 1 || duration.isNegative() || duration.isZero()
                    || sampleInterval.isNegative() || sampleInterval.isZero() || warmup.isNegative()) {
                throw new IllegalArgumentException("bad soak settings: " + this);
            }
        }

        long planned() {
            return duration.toNanos() / Math.round(1e9 / rate);
        }
    }

    /** @param latencyMicros every OK answer's latency over the whole run, in µs */
    public record Result(List<Sample> samples, Verdict.Totals totals, Histogram latencyMicros) {

        public Verdict verdict(List<String> leakLines, Limits limits) {
            return Verdict.of(samples, totals, leakLines, limits);
        }
    }

    private SoakRun() {
    }

    public static Result run(Settings settings, GatewayProbe probe, Consumer<Sample> onSample) throws InterruptedException {
        List<Sample> samples = new ArrayList<>();
        Consumer<Sample> keep = s -> {
            samples.add(s);
            onSample.accept(s);
        };
        long start = System.nanoTime();
        keep.accept(Sample.of(0, Sample.Phase.IDLE_BEFORE, probe.sample(), Sample.Load.NONE));

        List<IpcClient> clients = new ArrayList<>();
        IpcClientOptions options = IpcClientOptions.defaults().withRequestTimeout(settings.requestTimeout());
        Histogram all = new Histogram(3);
        long sent = 0;
        long ok = 0;
        long errors = 0;
        long unanswered = 0;
        long inFlightAtEnd;
        try {
            for (int i = 0; i < settings.connections(); i++) {
                clients.add(IpcClient.connect(settings.socket(), options));
            }
            RateDriver driver = new RateDriver(clients, settings.rate(), payload(settings.taskType()),
                    settings.requestTimeout());
            long loadStart = System.nanoTime();
            driver.start(settings.duration());
            long interval = settings.sampleInterval().toNanos();
            long end = loadStart + settings.duration().toNanos();
            for (long due = loadStart + interval; due <= end; due += interval) {
                parkUntil(due);
                Sample.Load load = driver.takeInterval();
                Sample.Phase phase = due - loadStart <= settings.warmup().toNanos() ? Sample.Phase.WARMUP : Sample.Phase.LOAD;
                keep.accept(Sample.of(seconds(start), phase, probe.sample(), load));
                all.add(driver.lastIntervalHistogram());
                sent += load.sent();
                ok += load.ok();
                errors += load.errorAnswers();
                unanswered += load.unanswered();
            }
            if (!driver.awaitQuiet(settings.requestTimeout().plus(SETTLE))) {
                driver.stop();
            }
            Sample.Load tail = driver.takeInterval();
            all.add(driver.lastIntervalHistogram());
            sent += tail.sent();
            ok += tail.ok();
            errors += tail.errorAnswers();
            unanswered += tail.unanswered();
            inFlightAtEnd = tail.inFlight();
            clients.forEach(IpcClient::close);
            clients.clear();
            keep.accept(Sample.of(seconds(start), Sample.Phase.IDLE_AFTER, settled(probe), tail));
        } finally {
            clients.forEach(IpcClient::close);
        }
        return new Result(List.copyOf(samples),
                new Verdict.Totals(settings.planned(), sent, ok, errors, unanswered, inFlightAtEnd), all);
    }

    /** Samples until the gateway shows no connection and no pending Router request, or SETTLE passed. */
    private static Sample.Resources settled(GatewayProbe probe) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Sample.Resources r = probe.sample();
        while ((r.connections() != 0 || r.pending() != 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(SETTLE_POLL.toNanos());
            r = probe.sample();
        }
        return r;
    }

    static ObjectNode payload(String taskType) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", taskType);
        p.putObject("payload").put("prompt", "Hello, world");
        return p;
    }

    private static void parkUntil(long due) throws InterruptedException {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
