package io.beamline.ipc.gateway.routerclient;

import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.routerclient.RouterCallFailure.Kind;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ProtocolException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-reply with the Router over the {@link NatsPool}: one reply subject per request, a deadline per
 * request, and exactly one outcome per request. Whoever removes the pending entry first (reply, deadline,
 * disconnect, the caller's cancel, shutdown) decides the outcome; a reply that finds no entry is late:
 * counted and dropped.
 *
 * <p>Why not jnats' {@code request()} futures: their timeouts are swept on a timer (requestCleanupInterval),
 * a cancelled one stays in jnats' map until the next sweep, and a reply arriving after that is dropped
 * where it cannot be counted. This class uses the same muxed-inbox scheme with its own map instead.
 */
public final class RouterClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterClient.class);

    private record Pending(NatsPool.Member member, CompletableFuture<byte[]> reply) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong lateReplies = new AtomicLong();
    private final ScheduledThreadPoolExecutor deadlines;
    private final NatsPool pool;
    private volatile boolean closed;

    private RouterClient(NatsConfig cfg) {
        deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "router-deadlines");
            t.setDaemon(true);
            return t;
        });
        // A request answered in time must not leave its timer behind.
        deadlines.setRemoveOnCancelPolicy(true);
        pool = NatsPool.start(cfg, this::onReply, this::onDisconnected);
    }

    public static RouterClient start(NatsConfig cfg) {
        return new RouterClient(cfg);
    }

    /**
     * Sends one request. The future completes with the reply's body, or fails with a
     * {@link RouterCallFailure}; cancelling it frees the request at once.
     */
    public CompletableFuture<byte[]> request(String subject, Map<String, String> headers, byte[] body,
                                             Duration deadline) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(new RouterCallFailure(Kind.SHUTDOWN, "the gateway is shutting down"));
            return reply;
        }
        NatsPool.Member member = pool.pick().orElse(null);
        if (member == null) {
            reply.completeExceptionally(unavailable());
            return reply;
        }
        String inbox = member.inboxPrefix() + Long.toString(tokens.incrementAndGet(), 36);
        Pending p = new Pending(member, reply);
        pending.put(inbox, p);
        ScheduledFuture<?> timer = deadlines.schedule(() -> fail(inbox, p, new RouterCallFailure(Kind.TIMEOUT,
                "the Router did not answer within " + deadline.toMillis() + " ms")), deadline.toNanos(),
                TimeUnit.NANOSECONDS);
        // Any outcome, the caller's cancel included, frees the entry and the timer.
        reply.whenComplete((r, e) -> {
            pending.remove(inbox, p);
            timer.cancel(false);
        });
        // Checked after registering: a drop from here on finds the entry (see onDisconnected).
        if (!member.usable()) {
            fail(inbox, p, unavailable());
            return reply;
        }
        try {
            member.connection().publish(NatsMessage.builder().subject(subject).replyTo(inbox)
                    .headers(headers(headers)).data(body).build());
        } catch (IllegalArgumentException e) {
            fail(inbox, p, new ProtocolException(ErrorCode.INVALID_PAYLOAD,
                    "the request cannot be sent over NATS: " + e.getMessage()));
        } catch (IllegalStateException e) {
            fail(inbox, p, unavailable());
        }
        return reply;
    }

    /** Fire-and-forget (the cancel notice). Fails at once when no connection is up. */
    public void publish(String subject, Map<String, String> headers, byte[] body) {
        NatsPool.Member member = pool.pick().orElseThrow(RouterClient::unavailable);
        try {
            member.connection().publish(NatsMessage.builder().subject(subject).headers(headers(headers))
                    .data(body).build());
        } catch (IllegalStateException e) {
            throw unavailable();
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

    private void onReply(Message msg) {
        Pending p = pending.remove(msg.getSubject());
        if (p == null) {
            lateReplies.incrementAndGet();
            LOG.debug("late reply on {} dropped", msg.getSubject());
            return;
        }
        if (msg.isStatusMessage() && msg.getStatus().getCode() == 503) {
            p.reply.completeExceptionally(new RouterCallFailure(Kind.NO_RESPONDERS,
                    "no Router is subscribed to the subject (no responders); the request was not seen"));
        } else {
            p.reply.complete(msg.getData());
        }
    }

    /** Core NATS is at-most-once: a request in flight on a dropped connection may or may not have been seen. */
    private void onDisconnected(NatsPool.Member member) {
        pending.forEach((inbox, p) -> {
            if (p.member == member) {
                fail(inbox, p, new RouterCallFailure(Kind.NATS_DISCONNECTED, "the NATS connection dropped while "
                        + "the request was in flight; the Router may have seen it (core NATS is at-most-once)"));
            }
        });
    }

    private void fail(String inbox, Pending p, RuntimeException failure) {
        if (pending.remove(inbox, p)) {
            p.reply.completeExceptionally(failure);
        }
    }

    private static RouterCallFailure unavailable() {
        return new RouterCallFailure(Kind.NATS_UNAVAILABLE, "no NATS connection is up; the request was not sent");
    }

    private static Headers headers(Map<String, String> values) {
        Headers h = new Headers();
        values.forEach(h::put);
        return h;
    }

    @Override
    public void close() {
        closed = true;
        pending.forEach((inbox, p) -> fail(inbox, p, new RouterCallFailure(Kind.SHUTDOWN,
                "the gateway is shutting down")));
        pool.close();
        deadlines.shutdownNow();
    }
}
