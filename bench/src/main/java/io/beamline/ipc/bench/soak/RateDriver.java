package io.beamline.ipc.bench.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.IpcProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load: request {@code i} is due at {@code start + i / rate}, whatever happened to the earlier
 * ones, and goes out on connection {@code i % connections}. A slow gateway therefore shows as latency and
 * requests in flight, never as a lower rate. Latency runs from the due time (not the actual send), so a
 * sender held up by a full socket or a pause of its own is charged to the request too (no coordinated
 * omission).
 *
 * <p>Every request ends in exactly one of three counters: {@code ok} (RESPONSE_OK), {@code errorAnswers}
 * (the gateway answered, but with RESPONSE_ERROR or something unreadable) or {@code unanswered} (timeout,
 * connection lost: the gateway never answered).
 */
public final class RateDriver {

    private final List<IpcClient> clients;
    private final double rate;
    private final ObjectNode payload;
    private final Duration requestTimeout;

    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder errorAnswers = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final Recorder latencyMicros = new Recorder(3);
    private final Object quiet = new Object();
    private volatile boolean sending;
    private Thread sender;

    // Totals of the intervals already taken, so that takeInterval() can report differences.
    private long takenSent;
    private long takenOk;
    private long takenErrors;
    private long takenUnanswered;
    private Histogram lastInterval = new Histogram(3);

    public RateDriver(List<IpcClient> clients, double rate, ObjectNode payload, Duration requestTimeout) {
        if (clients.isEmpty() || !(rate > 0)) {
            throw new IllegalArgumentException("need at least one client and a positive rate");
        }
        this.clients = List.copyOf(clients);
        this.rate = rate;
        this.payload = payload;
        this.requestTimeout = requestTimeout;
    }

    /** Starts sending on a thread of its own for {@code duration}, then stops. */
    public synchronized void start(Duration duration) {
        if (sender != null) {
            throw new IllegalStateException("already started");
        }
        sending = true;
        sender = Thread.ofPlatform().name("soak-driver").daemon(true).start(() -> send(duration));
    }

    private void send(Duration duration) {
        long periodNanos = Math.round(1e9 / rate);
        long start = System.nanoTime();
        long count = duration.toNanos() / periodNanos;
        try {
            for (long i = 0; i < count && sending; i++) {
                long due = start + i * periodNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                submit(clients.get((int) (i % clients.size())), due);
            }
        } finally {
            sending = false;
            signalIfQuiet();
        }
    }

    private void submit(IpcClient client, long due) {
        inFlight.incrementAndGet();
        sent.increment();
        CompletableFuture<?> answer;
        try {
            answer = client.submit(payload, requestTimeout);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Runs on the client's reader thread: counters and the recorder only, nothing that blocks.
        answer.whenComplete((value, error) -> {
            if (error == null) {
                ok.increment();
                latencyMicros.recordValue(Math.max(0, (System.nanoTime() - due) / 1_000));
            } else if (isAnswer(error)) {
                errorAnswers.increment();
            } else {
                unanswered.increment();
            }
            if (inFlight.decrementAndGet() == 0) {
                signalIfQuiet();
            }
        });
    }

    static boolean isAnswer(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof IpcErrorException || cause instanceof IpcProtocolException;
    }

    private void signalIfQuiet() {
        synchronized (quiet) {
            quiet.notifyAll();
        }
    }

    /** Stops sending early (the requests already sent still end normally). */
    public void stop() {
        sending = false;
    }

    /** Waits until sending has stopped and every request has ended; false if {@code timeout} passed first. */
    public boolean awaitQuiet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (quiet) {
            while (sending || inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                quiet.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** What happened since the previous call (or the start). Called from one thread at a time. */
    public synchronized Sample.Load takeInterval() {
        long s = sent.sum();
        long o = ok.sum();
        long e = errorAnswers.sum();
        long u = unanswered.sum();
        Histogram h = latencyMicros.getIntervalHistogram(); // a new one each time: every 10 s, cheap
        Sample.Load load = new Sample.Load(s - takenSent, o - takenOk, e - takenErrors, u - takenUnanswered,
                inFlight.get(), ms(h, 50), ms(h, 99), ms(h, 99.9), h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0);
        takenSent = s;
        takenOk = o;
        takenErrors = e;
        takenUnanswered = u;
        lastInterval = h;
        return load;
    }

    /** The latency histogram (µs) of the interval the last {@link #takeInterval()} reported. */
    public synchronized Histogram lastIntervalHistogram() {
        return lastInterval;
    }

    public long inFlight() {
        return inFlight.get();
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
