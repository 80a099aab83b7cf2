package io.beamline.ipc.bench.load;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load driver: keeps exactly {@code depth} requests in flight for a fixed time, then waits
 * for the last ones. One thread (the caller's) sends; completions come back on whatever thread the client
 * completes its futures on.
 *
 * <p>The in-flight requests are {@code depth} numbered slots; slot {@code s} always sends on lane
 * {@code s % lanes}, so with {@code lanes} connections each one carries at most {@code ceil(depth / lanes)}
 * requests at a time (exactly {@code depth / lanes} when it divides). With one lane this is a plain
 * semaphore of {@code depth}.
 *
 * <p>A request counts as done when its future completes normally and {@code ok} accepts the value;
 * anything else (exceptional completion, a value {@code ok} rejects, an exception from {@code send}) is an
 * error. Latency, in microseconds, is from just before {@code send} to the future completing, and is
 * recorded for successful requests only.
 */
public final class FixedInFlight {

    /** Sends one request on {@code lane}; {@code seq} numbers the requests of one run from 0. */
    @FunctionalInterface
    public interface Sender<T> {
        CompletableFuture<T> send(int lane, long seq);
    }

    private FixedInFlight() {
    }

    public static <T> LoadResult run(int depth, int lanes, Duration duration, Duration drainTimeout, Sender<T> sender,
                                     Predicate<? super T> ok) throws InterruptedException {
        if (depth < 1 || lanes < 1 || lanes > depth) {
            throw new IllegalArgumentException("need 1 <= lanes <= depth, got depth " + depth + ", lanes " + lanes);
        }
        ArrayBlockingQueue<Integer> free = new ArrayBlockingQueue<>(depth);
        for (int s = 0; s < depth; s++) {
            free.add(s); // boxed once here, so the loop allocates no Integers
        }
        Recorder recorder = new Recorder(3);
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long seq = 0;
        while (System.nanoTime() < end) {
            Integer slot = free.take();
            long sent = System.nanoTime();
            CompletableFuture<T> reply;
            try {
                reply = sender.send(slot % lanes, seq++);
            } catch (RuntimeException e) {
                errors.increment();
                free.add(slot);
                continue;
            }
            reply.whenComplete((value, error) -> {
                long tookMicros = (System.nanoTime() - sent) / 1_000;
                if (error == null && ok.test(value)) {
                    done.increment();
                    recorder.recordValue(tookMicros);
                } else {
                    errors.increment();
                }
                free.add(slot);
            });
        }
        long drainEnd = System.nanoTime() + drainTimeout.toNanos();
        for (int i = 0; i < depth; i++) {
            if (free.poll(Math.max(0, drainEnd - System.nanoTime()), TimeUnit.NANOSECONDS) == null) {
                System.err.println("FixedInFlight: " + (depth - i) + " requests still in flight after the run");
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LoadResult(depth, seconds, done.sum(), errors.sum(), recorder.getIntervalHistogram());
    }
}
