package io.beamline.ipc.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submits at a fixed rate over several connections, whatever happens to the answers (open loop), and
 * records every outcome: so a test can say "every request was answered, in time, with X or Y".
 */
final class SteadyLoad implements AutoCloseable {

    /** RETRYABLE_ERROR is a retryable 503; TIMEOUT the gateway's 504 at the request's deadline. */
    enum Kind { DECISION, RETRYABLE_ERROR, TIMEOUT, OTHER_ERROR }

    record Outcome(long sentNanos, long answeredNanos, Kind kind, String detail) {
        long millis() {
            return (answeredNanos - sentNanos) / 1_000_000;
        }
    }

    private final List<IpcClient> clients = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong lastDecisionNanos = new AtomicLong();
    private final int deadlineMs;

    SteadyLoad(Path socket, int connections, int perSecond, int deadlineMs) {
        this.deadlineMs = deadlineMs;
        for (int i = 0; i < connections; i++) {
            clients.add(IpcClient.connect(socket));
        }
        long periodMicros = 1_000_000L / perSecond;
        ticker.scheduleAtFixedRate(this::send, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void send() {
        long n = sent.getAndIncrement();
        IpcClient client = clients.get((int) (n % clients.size()));
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate").put("deadline_ms", deadlineMs);
        p.putObject("payload").put("prompt", "Hello, world");
        long started = System.nanoTime();
        client.submit(p).whenComplete((ok, e) -> {
            long now = System.nanoTime();
            if (e == null) {
                lastDecisionNanos.accumulateAndGet(now, Math::max);
                outcomes.add(new Outcome(started, now, Kind.DECISION, "decision"));
            } else if (e.getCause() instanceof IpcErrorException err) {
                Kind kind = err.retryable() && err.status() == 503 ? Kind.RETRYABLE_ERROR
                        : err.status() == 504 ? Kind.TIMEOUT : Kind.OTHER_ERROR;
                outcomes.add(new Outcome(started, now, kind, err.status() + " " + err.reason()));
            } else {
                outcomes.add(new Outcome(started, now, Kind.OTHER_ERROR, String.valueOf(e)));
            }
        });
    }

    long sent() {
        return sent.get();
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** When the last decision arrived (System.nanoTime), 0 if none yet. */
    long lastDecisionNanos() {
        return lastDecisionNanos.get();
    }

    /** Stops sending; answers still due keep arriving until {@link #close()}. */
    void stopSending() {
        // shutdown(), not shutdownNow(): an interrupt in the middle of a submit's write closes the client's
        // socket channel (NIO interruptible channels), and its requests then fail as a broken connection.
        ticker.shutdown();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopSending();
        clients.forEach(IpcClient::close);
    }
}
