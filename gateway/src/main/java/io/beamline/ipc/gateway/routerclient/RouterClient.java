package io.beamline.ipc.gateway.routerclient;

import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.routerclient.RouterResponse.Kind;
import io.beamline.ipc.gateway.routerclient.RouterResponse.NoReply;
import io.beamline.ipc.gateway.routerclient.RouterResponse.Reply;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-reply with the Router over the {@link NatsPool}: one reply subject per request, a deadline per
 * request, and exactly one {@link RouterResponse} per request. Whoever removes the pending entry first (reply, deadline,
 * disconnect, the caller's cancel, shutdown) decides the outcome; a reply that finds no entry is late:
 * counted and dropped.
 *
 * <p>Why not jnats' {@code request()} futures: their timeouts are swept on a timer (requestCleanupInterval),
 * a cancelled one stays in jnats' map until the next sweep, and a reply arriving after that is dropped
 * where it cannot be counted. This class uses the same muxed-inbox scheme with its own map instead.
 */
public final class RouterClient implements NatsPool.Events, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterClient.class);

    private record Pending(NatsPool.Member member, CompletableFuture<RouterResponse> reply) {
    }

    private static final NoReply UNAVAILABLE = new NoReply(Kind.NATS_UNAVAILABLE,
            "no NATS connection is up; the request was not sent");
    private static final NoReply SHUTTING_DOWN = new NoReply(Kind.SHUTDOWN, "the gateway is shutting down");
    private static final NoReply DISCONNECTED = new NoReply(Kind.NATS_DISCONNECTED, "the NATS connection dropped "
            + "while the request was in flight; the Router may have seen it (core NATS is at-most-once)");

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong lateReplies = new AtomicLong();
    private final RouterLegTimers legTimers = new RouterLegTimers();
    /**
     * A timing wheel: a deadline is added and cancelled in constant time, without the lock and heap of a
     * ScheduledThreadPoolExecutor (~0.7 µs per request at load). Its 50 ms tick is how late a deadline may fire
     * (never early), and 20 wake-ups a second is its cost on an idle gateway.
     */
    private final HashedWheelTimer deadlines;
    private final NatsPool pool;
    private volatile boolean closed;

    private RouterClient(NatsConfig cfg) {
        deadlines = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "router-deadlines");
            t.setDaemon(true);
            return t;
        }, 50, TimeUnit.MILLISECONDS, 512, false);
        pool = NatsPool.start(cfg, this);
    }

    public static RouterClient start(NatsConfig cfg) {
        return new RouterClient(cfg);
    }

    /**
     * Sends one request. The future completes with the reply or with why there is none, and never fails;
     * cancelling it frees the request at once.
     */
    public CompletableFuture<RouterResponse> request(RouterCall call, String subject, Map<String, String> headers,
                                                     byte[] body, Duration deadline) {
        if (closed) {
            return CompletableFuture.completedFuture(SHUTTING_DOWN);
        }
        NatsPool.Member member = pool.pick().orElse(null);
        if (member == null) {
            return CompletableFuture.completedFuture(UNAVAILABLE);
        }
        return send(call, member, subject, headers, body, deadline);
    }

    private CompletableFuture<RouterResponse> send(RouterCall call, NatsPool.Member member, String subject,
                                                   Map<String, String> headers, byte[] body, Duration deadline) {
        long started = System.nanoTime();
        CompletableFuture<RouterResponse> reply = new CompletableFuture<>();
        String inbox = member.inboxPrefix() + Long.toString(tokens.incrementAndGet(), 36);
        Pending p = new Pending(member, reply);
        pending.put(inbox, p);
        Timeout timer;
        try {
            timer = deadlines.newTimeout(t -> end(inbox, p, new NoReply(Kind.TIMEOUT,
                    "the Router did not answer within " + deadline.toMillis() + " ms")), deadline.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (IllegalStateException stopped) { // closed since the check above
            end(inbox, p, SHUTTING_DOWN);
            return reply;
        }
        // Any outcome, the caller's cancel included, frees the entry and the timer, and is timed.
        reply.whenComplete((r, e) -> {
            pending.remove(inbox, p);
            timer.cancel();
            legTimers.record(call, started, r);
        });
        // Checked after registering: a drop from here on finds the entry (see onDisconnected).
        if (!member.usable()) {
            end(inbox, p, UNAVAILABLE);
            return reply;
        }
        try {
            Headers wireHeaders = headers(headers);
            long max = member.maxPayload();
            long size = wireSize(wireHeaders, body);
            // jnats checks the body alone; the server counts headers too and closes the connection when over.
            if (max > 0 && size > max) {
                end(inbox, p, new NoReply(Kind.UNSENDABLE, tooLarge(size, max)));
                return reply;
            }
            member.publish(subject, inbox, wireHeaders, body);
        } catch (IllegalArgumentException e) {
            end(inbox, p, new NoReply(Kind.UNSENDABLE, "the request cannot be sent over NATS: " + e.getMessage()));
        } catch (IllegalStateException e) {
            end(inbox, p, UNAVAILABLE);
        }
        return reply;
    }

    /**
     * Like {@link #request(RouterCall, String, Map, byte[], Duration)}, its response read by {@code read} on the
     * thread that ends it; cancelling the returned future cancels the request.
     */
    public <T> CompletableFuture<T> request(RouterCall call, String subject, Map<String, String> headers, byte[] body,
                                            Duration deadline, Function<RouterResponse, T> read) {
        return reading(request(call, subject, headers, body, deadline), read);
    }

    /** {@code read} applied to the response; cancelling the result cancels the request. */
    private static <T> CompletableFuture<T> reading(CompletableFuture<RouterResponse> sent,
                                                    Function<RouterResponse, T> read) {
        CompletableFuture<T> result = sent.thenApply(read);
        result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                sent.cancel(false);
            }
        });
        return result;
    }

    /**
     * A request whose reply is followed by messages on {@code streamSubject}: subscribes to it first, on the
     * connection the request then goes out on, so the server has the subscription before the Router can
     * publish. The caller ends the subscription with {@link RouterSubscription#close()} on every end.
     */
    public <T> StreamingRequest<T> requestWithStream(String subject, Map<String, String> headers, byte[] body,
                                                     Duration deadline, Function<RouterResponse, T> read,
                                                     String streamSubject, Consumer<StreamEvent> onStream) {
        NatsPool.Member member = closed ? null : pool.pick().orElse(null);
        if (member == null) {
            return new StreamingRequest<>(CompletableFuture.completedFuture(read.apply(closed ? SHUTTING_DOWN
                    : UNAVAILABLE)), RouterSubscription.NONE);
        }
        Subscription subscription;
        try {
            subscription = member.subscribe(streamSubject, message -> onStream.accept(StreamEvent.read(message)));
        } catch (IllegalStateException | IllegalArgumentException e) {
            return new StreamingRequest<>(CompletableFuture.completedFuture(read.apply(UNAVAILABLE)),
                    RouterSubscription.NONE);
        }
        return new StreamingRequest<>(reading(send(RouterCall.DECIDE, member, subject, headers, body, deadline), read),
                () -> member.unsubscribe(subscription));
    }

    /** A streaming request's reply and its stream subscription. */
    public record StreamingRequest<T>(CompletableFuture<T> reply, RouterSubscription subscription) {
    }

    /** Ends a stream subscription; idempotent. */
    @FunctionalInterface
    public interface RouterSubscription extends AutoCloseable {
        RouterSubscription NONE = () -> { };

        @Override
        void close();
    }

    /** Fire-and-forget (the cancel notice). @return whether it was handed to a connected NATS connection */
    public boolean publish(String subject, Map<String, String> headers, byte[] body) {
        NatsPool.Member member = pool.pick().orElse(null);
        if (member == null) {
            return false;
        }
        try {
            member.publish(subject, null, headers(headers), body);
            return true;
        } catch (IllegalStateException | IllegalArgumentException e) {
            LOG.debug("publish on {} not sent: {}", subject, e.getMessage());
            return false;
        }
    }

    /** Requests waiting for a reply now. */
    public int pending() {
        return pending.size();
    }

    /** Replies that came after their request had ended (deadline, cancel, disconnect); dropped. */
    public long lateReplies() {
        return lateReplies.get();
    }

    public NatsPool pool() {
        return pool;
    }

    /** The Router leg's timers, registered by {@link RouterMetrics}. */
    RouterLegTimers legTimers() {
        return legTimers;
    }

    @Override
    public void onReply(Message msg) {
        Pending p = pending.remove(msg.getSubject());
        if (p == null) {
            lateReplies.incrementAndGet();
            LOG.debug("late reply on {} dropped", msg.getSubject());
            return;
        }
        if (msg.isStatusMessage() && msg.getStatus().getCode() == 503) {
            p.reply.complete(new NoReply(Kind.NO_RESPONDERS,
                    "no Router is subscribed to the subject (no responders); the request was not seen"));
        } else {
            p.reply.complete(new Reply(msg.getData()));
        }
    }

    /** Core NATS is at-most-once: a request in flight on a dropped connection may or may not have been seen. */
    @Override
    public void onDisconnected(NatsPool.Member member) {
        pending.forEach((inbox, p) -> {
            if (p.member == member) {
                end(inbox, p, DISCONNECTED);
            }
        });
    }

    /** The first to remove the entry decides the request's response. */
    private void end(String inbox, Pending p, NoReply why) {
        if (pending.remove(inbox, p)) {
            p.reply.complete(why);
        }
    }

    /**
     * The smallest max_payload the connected NATS servers announced (they are one cluster: normally one value),
     * or -1 while none is connected. A loop, not a stream: it runs for every submit.
     */
    public long natsMaxPayload() {
        long min = -1;
        for (NatsPool.Member m : pool.members()) {
            long max = m.usable() ? m.maxPayload() : -1;
            if (max > 0 && (min < 0 || max < min)) {
                min = max;
            }
        }
        return min;
    }

    /**
     * What NATS counts against max_payload for a message: its headers as jnats writes them ({@code NATS/1.0\r\n},
     * {@code name:value\r\n} each, {@code \r\n}; names and values are ASCII) and its body, without building
     * the headers (the publish builds them once).
     */
    public static long wireSize(Map<String, String> headers, byte[] body) {
        if (headers.isEmpty()) {
            return body.length;
        }
        long size = (long) body.length + HEADER_VERSION_LINE + 2;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            size += h.getKey().length() + 1 + h.getValue().length() + 2;
        }
        return size;
    }

    private static final int HEADER_VERSION_LINE = "NATS/1.0\r\n".length();

    private static long wireSize(Headers headers, byte[] body) {
        return (long) body.length + (headers.isEmpty() ? 0 : headers.serializedLength());
    }

    /** The message for a request over max_payload: both sizes, and the limit's name. */
    static String tooLarge(long size, long maxPayload) {
        return "the request to the Router would be " + size + " bytes (with its NATS headers), more than the "
                + "NATS server's max_payload of " + maxPayload + " bytes";
    }

    private static Headers headers(Map<String, String> values) {
        Headers h = new Headers();
        values.forEach(h::put);
        return h;
    }

    @Override
    public void close() {
        closed = true;
        pending.forEach((inbox, p) -> end(inbox, p, SHUTTING_DOWN));
        pool.close();
        deadlines.stop();
    }
}
