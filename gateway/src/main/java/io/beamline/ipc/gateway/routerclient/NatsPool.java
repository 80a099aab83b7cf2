package io.beamline.ipc.gateway.routerclient;

import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.process.security.ConnectFailure;
import io.beamline.ipc.process.security.Redaction;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Subscription;
import io.nats.client.Nats;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N NATS connections, each with its own reply inbox subscription. Connections come up in the background
 * (the gateway starts without NATS) and reconnect forever with jitter; requests go round-robin to the ones
 * that are connected now. State and reconnects are observable; a drop is reported so in-flight requests on
 * that connection can be answered at once.
 */
public final class NatsPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsPool.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    /** What the pool reports to the one who sends on it (the {@link RouterClient}). */
    public interface Events {
        /** Every message on every member's inbox, on that member's dispatcher thread. */
        void onReply(Message reply);

        /** A member's connection dropped or closed: what was in flight on it will get no reply. */
        void onDisconnected(Member member);
    }

    /** One pooled connection. Its reply subjects are {@code inboxPrefix + token}. */
    public static final class Member {
        private final int index;
        private final String inboxPrefix = "_INBOX.gw." + NUID.nextGlobal() + ".";
        private volatile Connection connection;
        private volatile Dispatcher replies;
        private volatile Dispatcher streams;
        private final AtomicLong reconnects = new AtomicLong();
        private final long reconnectWaitMs;
        /** Why the last attempt to connect failed; null while connected or before any failure. */
        private volatile String failure;

        private Member(int index, long reconnectWaitMs) {
            this.index = index;
            this.reconnectWaitMs = reconnectWaitMs;
        }

        public int index() {
            return index;
        }

        public String inboxPrefix() {
            return inboxPrefix;
        }

        /** Connected and subscribed to its inbox: safe to send a request on. */
        public boolean usable() {
            Connection c = connection;
            return c != null && replies != null && c.getStatus() == Connection.Status.CONNECTED;
        }

        /**
         * Subscribes {@code handler} to {@code subject} on this connection. Messages of one subscription arrive
         * in order on this member's stream dispatcher thread. Throws IllegalStateException when not connected.
         */
        Subscription subscribe(String subject, MessageHandler handler) {
            Connection c = connection;
            if (c == null) {
                throw new IllegalStateException("not connected yet");
            }
            Dispatcher d = streams;
            if (d == null) {
                synchronized (this) {
                    if (streams == null) {
                        streams = c.createDispatcher();
                    }
                    d = streams;
                }
            }
            return d.subscribe(subject, handler);
        }

        void unsubscribe(Subscription subscription) {
            Dispatcher d = streams;
            if (d != null && subscription.isActive()) {
                try {
                    d.unsubscribe(subscription);
                } catch (IllegalStateException e) {
                    LOG.debug("unsubscribing {} on a closed connection: {}", subscription.getSubject(), e.getMessage());
                }
            }
        }

        /**
         * Sends on this connection ({@code replyTo} may be null); throws IllegalStateException when it is not
         * connected. No Message object is built first: jnats builds its own from these parts.
         */
        void publish(String subject, String replyTo, Headers headers, byte[] body) {
            Connection c = connection;
            if (c == null) {
                throw new IllegalStateException("not connected yet");
            }
            c.publish(subject, replyTo, headers, body);
        }

        /** The largest message (headers and body) the server takes, as it announced; -1 while unknown. */
        public long maxPayload() {
            Connection c = connection;
            return c == null ? -1 : c.getMaxPayload();
        }

        public String state() {
            Connection c = connection;
            return c == null ? "CONNECTING" : c.getStatus().name();
        }

        public long reconnects() {
            return reconnects.get();
        }

        /** This member now, for {@code /status}: the server's URL with its credentials masked. */
        NatsStatus.MemberStatus status() {
            Connection c = connection;
            String server = c == null || !usable() ? null : Redaction.urls(c.getConnectedUrl());
            long max = maxPayload();
            return new NatsStatus.MemberStatus(index, state(), server, reconnects(), max < 0 ? null : max, failure);
        }

        /**
         * Logs a failure to connect once per cause, not once per attempt: a wrong CA or password fails every
         * reconnect the same way, and the first line says all there is to say.
         */
        private void failed(String cause) {
            String before = failure;
            if (before != null && ConnectFailure.isNamed(before) && !ConnectFailure.isNamed(cause)) {
                // jnats times out after a refusal: keep the named cause, which is what the operator must fix
                LOG.debug("NATS connection {} cannot connect: {}", index, cause);
                return;
            }
            failure = cause;
            if (!cause.equals(before)) {
                LOG.warn("NATS connection {} cannot connect: {} (retrying every {} ms; not ready until it connects)",
                        index, cause, reconnectWaitMs);
            } else {
                LOG.debug("NATS connection {} still cannot connect: {}", index, cause);
            }
        }
    }

    private final List<Member> members;
    private final NatsConfig cfg;
    private final Events events;
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    private NatsPool(List<Member> members, NatsConfig cfg, Events events) {
        this.members = members;
        this.cfg = cfg;
        this.events = events;
    }

    /** @param events told of every reply and every drop */
    public static NatsPool start(NatsConfig cfg, Events events) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < cfg.poolSize(); i++) {
            members.add(new Member(i, cfg.reconnectWait().toMillis()));
        }
        NatsPool pool = new NatsPool(List.copyOf(members), cfg, events);
        LOG.info("NATS pool of {} connection(s) to {}", cfg.poolSize(), cfg.printableUrls());
        for (Member m : members) {
            try {
                pool.connect(m);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the NATS pool", e);
            }
        }
        return pool;
    }

    private void connect(Member m) throws InterruptedException {
        var options = NatsOptionsFactory.build(cfg, "beamline-ipc-gateway-" + m.index,
                (conn, event) -> onEvent(m, conn, event, events), new QuietErrors(m));
        // reconnectOnConnect: a NATS server that is not up yet is waited for, not fatal.
        Nats.connectAsynchronously(options, true);
    }

    /**
     * jnats closes a connection for good when a server refuses its credentials twice in a row. The gateway
     * must outlive a credentials mix-up that is fixed on the server's side, so it starts a new one.
     */
    private void connectAgainLater(Member m) {
        long waitMs = cfg.reconnectWait().toMillis();
        LOG.debug("NATS connection {} was closed by the client library; connecting again in {} ms", m.index, waitMs);
        CompletableFuture.runAsync(() -> {
            if (closed) {
                return;
            }
            try {
                connect(m);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS));
    }

    /** A connected member, round-robin; empty when none is connected. */
    public Optional<Member> pick() {
        int n = members.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Member m = members.get((start + i) % n);
            if (m.usable()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Told each time a pooled connection is back after a drop (the transport recovered). */
    public void onReconnected(Runnable listener) {
        reconnectListeners.add(listener);
    }

    public List<Member> members() {
        return members;
    }

    public int connected() {
        return (int) members.stream().filter(Member::usable).count();
    }

    public long reconnects() {
        return members.stream().mapToLong(Member::reconnects).sum();
    }

    /** Why a member that is not connected failed to connect last (the first such member's), for readiness. */
    public Optional<String> lastFailure() {
        return members.stream().filter(m -> !m.usable()).map(m -> m.failure).filter(f -> f != null).findFirst();
    }

    /** The pool now, for {@code /status}: the servers as configured, credentials masked; each member's state. */
    public NatsStatus status() {
        return new NatsStatus(cfg.urls().stream().map(u -> Redaction.urls(u.toString())).toList(), members.size(),
                connected(), members.stream().map(Member::status).toList(), lastFailure().orElse(null));
    }

    private void onEvent(Member m, Connection conn, ConnectionListener.Events event, Events events) {
        boolean replaced = false;
        synchronized (m) {
            if (m.connection == null) {
                m.connection = conn;
            }
            if (m.connection != conn) {
                return; // a connection given up on and replaced; the member has a new one
            }
            if (event == ConnectionListener.Events.CLOSED && !closed) {
                m.connection = null;
                m.replies = null;
                m.streams = null;
                replaced = true;
            }
            if (closed) {
                closeQuietly(conn);
                return;
            }
            // A pool started before NATS was up sees RECONNECTED, not CONNECTED, on its first success.
            if (m.replies == null && (event == ConnectionListener.Events.CONNECTED
                    || event == ConnectionListener.Events.RECONNECTED)) {
                // jnats re-sends this subscription after every reconnect.
                Dispatcher d = conn.createDispatcher(events::onReply);
                d.subscribe(m.inboxPrefix + "*");
                m.replies = d;
            }
        }
        if (event == ConnectionListener.Events.CONNECTED || event == ConnectionListener.Events.RECONNECTED) {
            m.failure = null;
        }
        switch (event) {
            // The URL may carry a password or token (nats://user:pw@host): never log it as it is.
            case CONNECTED -> LOG.info("NATS connection {} connected to {}", m.index, Redaction.urls(conn.getConnectedUrl()));
            case RECONNECTED -> {
                m.reconnects.incrementAndGet();
                LOG.info("NATS connection {} reconnected to {}", m.index, Redaction.urls(conn.getConnectedUrl()));
                reconnectListeners.forEach(Runnable::run);
            }
            case DISCONNECTED, CLOSED -> {
                LOG.debug("NATS connection {}: {}", m.index, event);
                events.onDisconnected(m);
                if (replaced) {
                    connectAgainLater(m);
                }
            }
            default -> LOG.debug("NATS connection {}: {}", m.index, event);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Member m : members) {
            Connection c;
            synchronized (m) {
                c = m.connection;
            }
            if (c != null) {
                closeQuietly(c);
            }
        }
    }

    /** Drain, not just close: publishes still buffered (a last cancel notice) reach the server first. */
    private static void closeQuietly(Connection c) {
        try {
            if (c.getStatus() == Connection.Status.CONNECTED) {
                c.drain(DRAIN_TIMEOUT).get(DRAIN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("draining a NATS connection failed; closing it", e);
            try {
                c.close();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * jnats' default listener logs every reconnect attempt at SEVERE. Here a failure to connect is logged once
     * per cause, named (TLS handshake, authorization); other exceptions stay at debug.
     */
    private record QuietErrors(Member member) implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            String described = ConnectFailure.serverError(error);
            if (described.startsWith("server error")) {
                LOG.warn("NATS connection {}: {}", member.index, described);
            } else {
                member.failed(described);
            }
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
                member.failed(ConnectFailure.describe(exp));
            } else {
                LOG.debug("NATS connection {}: {}", member.index, Redaction.urls(exp.toString()));
            }
        }

        @Override
        public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
            LOG.warn("NATS connection {}: replies arrive faster than they are handled", member.index);
        }
    }
}
