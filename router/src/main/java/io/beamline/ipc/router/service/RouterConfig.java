package io.beamline.ipc.router.service;

import io.beamline.ipc.process.security.Redaction;
import io.beamline.ipc.router.stream.StreamSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The Router's settings, with every default in one place ({@link #defaults()}) and checked on creation: a
 * bad value fails with a message naming the setting, the value and what is allowed.
 *
 * @param policiesDir    null: only the shipped default policy
 * @param faultsEnabled  fault injection (headers, policy {@code faults}, slow start) is honoured only then
 * @param faultSlowStart how long the Router waits before serving; zero unless faults are enabled
 * @param maxDelayedReplies how many replies held by delay faults may wait at once; beyond it a request is
 *                       answered at once with {@code internal}, so a fault cannot grow memory without bound
 * @param stream         chunk count, size and pace of {@code task.stream} output (policies may override)
 */
public record RouterConfig(String natsUrl, Path policiesDir, String serviceName, String queueGroup,
                           Duration drainTimeout, int stickyMaxEntries, int idempotencyMaxEntries,
                           Duration idempotencyTtl, int decisionLogMaxEntries, Duration decisionTtl,
                           Backpressure.Thresholds backpressure, boolean faultsEnabled, Duration faultSlowStart,
                           int maxDelayedReplies, StreamSettings stream) {

    private static final Pattern SERVICE_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Pattern QUEUE_GROUP = Pattern.compile("^[A-Za-z0-9_.-]{1,128}$");

    public RouterConfig {
        require(natsUrl != null && natsUrl.matches("^(nats|tls|ws|wss)://\\S+$"), "nats", Redaction.urls(natsUrl),
                "a URL like nats://127.0.0.1:4222");
        require(serviceName != null && SERVICE_NAME.matcher(serviceName).matches(), "name", serviceName,
                "1..64 of A-Z a-z 0-9 _ - (NATS service name rules)");
        require(queueGroup != null && QUEUE_GROUP.matcher(queueGroup).matches(), "queue-group", queueGroup,
                "1..128 of A-Z a-z 0-9 _ . -");
        require(drainTimeout != null && !drainTimeout.isNegative() && drainTimeout.toMillis() >= 100
                && drainTimeout.toMillis() <= 300_000, "drain-timeout-ms", millis(drainTimeout), "100..300000");
        require(stickyMaxEntries >= 1 && stickyMaxEntries <= 10_000_000, "sticky-max-entries",
                String.valueOf(stickyMaxEntries), "1..10000000");
        require(idempotencyMaxEntries >= 1 && idempotencyMaxEntries <= 10_000_000, "idempotency-max-entries",
                String.valueOf(idempotencyMaxEntries), "1..10000000");
        require(idempotencyTtl != null && idempotencyTtl.toMillis() >= 1_000
                && idempotencyTtl.toMillis() <= 86_400_000, "idempotency-ttl-ms", millis(idempotencyTtl),
                "1000..86400000");
        require(decisionLogMaxEntries >= 1 && decisionLogMaxEntries <= 1_000_000, "decision-log-max-entries",
                String.valueOf(decisionLogMaxEntries), "1..1000000");
        require(decisionTtl != null && decisionTtl.toMillis() >= 1_000 && decisionTtl.toMillis() <= 86_400_000,
                "decision-ttl-ms", millis(decisionTtl), "1000..86400000");
        require(backpressure != null && backpressure.queueOverload() >= 0 && backpressure.latencyOverloadMs() >= 0
                && backpressure.inflightOverload() >= 0, "backpressure", String.valueOf(backpressure),
                "non-negative thresholds");
        require(faultSlowStart != null && !faultSlowStart.isNegative() && faultSlowStart.toMillis() <= 600_000,
                "fault-slow-start-ms", millis(faultSlowStart), "0..600000");
        require(faultsEnabled || faultSlowStart.isZero(), "fault-slow-start-ms", millis(faultSlowStart),
                "0 unless --enable-faults is given");
        require(maxDelayedReplies >= 1 && maxDelayedReplies <= 1_000_000, "max-delayed-replies",
                String.valueOf(maxDelayedReplies), "1..1000000");
        require(stream != null, "stream", "null", "stream settings");
    }

    public static RouterConfig defaults() {
        return new RouterConfig("nats://127.0.0.1:4222", null, "beamline-router", "beamline-router",
                Duration.ofSeconds(10), 100_000, 100_000, Duration.ofMinutes(10), 10_000, Duration.ofMinutes(10),
                Backpressure.Thresholds.DEFAULT, false, Duration.ZERO, 10_000,
                StreamSettings.DEFAULT);
    }

    public RouterConfig withNatsUrl(String url) {
        return toBuilder().natsUrl(url).build();
    }

    public RouterConfig withPoliciesDir(Path dir) {
        return toBuilder().policiesDir(dir).build();
    }

    public RouterConfig withServiceName(String name) {
        return toBuilder().serviceName(name).build();
    }

    public RouterConfig withQueueGroup(String group) {
        return toBuilder().queueGroup(group).build();
    }

    public RouterConfig withDrainTimeout(Duration timeout) {
        return toBuilder().drainTimeout(timeout).build();
    }

    public RouterConfig withDecisionTtl(Duration ttl) {
        return toBuilder().decisionTtl(ttl).build();
    }

    public RouterConfig withBackpressure(Backpressure.Thresholds thresholds) {
        return toBuilder().backpressure(thresholds).build();
    }

    /** Fault injection on or off, with the slow start (zero for none). */
    public RouterConfig withFaults(boolean enabled, Duration slowStart) {
        return toBuilder().faults(enabled, slowStart).build();
    }

    public RouterConfig withMaxDelayedReplies(int max) {
        return toBuilder().maxDelayedReplies(max).build();
    }

    public RouterConfig withStream(StreamSettings settings) {
        return toBuilder().stream(settings).build();
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy to change a few settings of; {@link #build()} validates the whole again. */
    private static final class Builder {
        private String natsUrl;
        private Path policiesDir;
        private String serviceName;
        private String queueGroup;
        private Duration drainTimeout;
        private final int stickyMaxEntries;
        private final int idempotencyMaxEntries;
        private final Duration idempotencyTtl;
        private final int decisionLogMaxEntries;
        private Duration decisionTtl;
        private Backpressure.Thresholds backpressure;
        private boolean faultsEnabled;
        private Duration faultSlowStart;
        private int maxDelayedReplies;
        private StreamSettings stream;

        private Builder(RouterConfig c) {
            natsUrl = c.natsUrl;
            policiesDir = c.policiesDir;
            serviceName = c.serviceName;
            queueGroup = c.queueGroup;
            drainTimeout = c.drainTimeout;
            stickyMaxEntries = c.stickyMaxEntries;
            idempotencyMaxEntries = c.idempotencyMaxEntries;
            idempotencyTtl = c.idempotencyTtl;
            decisionLogMaxEntries = c.decisionLogMaxEntries;
            decisionTtl = c.decisionTtl;
            backpressure = c.backpressure;
            faultsEnabled = c.faultsEnabled;
            faultSlowStart = c.faultSlowStart;
            maxDelayedReplies = c.maxDelayedReplies;
            stream = c.stream;
        }

        Builder natsUrl(String v) {
            natsUrl = v;
            return this;
        }

        Builder policiesDir(Path v) {
            policiesDir = v;
            return this;
        }

        Builder serviceName(String v) {
            serviceName = v;
            return this;
        }

        Builder queueGroup(String v) {
            queueGroup = v;
            return this;
        }

        Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        Builder decisionTtl(Duration v) {
            decisionTtl = v;
            return this;
        }

        Builder backpressure(Backpressure.Thresholds v) {
            backpressure = v;
            return this;
        }

        Builder faults(boolean enabled, Duration slowStart) {
            faultsEnabled = enabled;
            faultSlowStart = slowStart;
            return this;
        }

        Builder maxDelayedReplies(int v) {
            maxDelayedReplies = v;
            return this;
        }

        Builder stream(StreamSettings v) {
            stream = v;
            return this;
        }

        RouterConfig build() {
            return new RouterConfig(natsUrl, policiesDir, serviceName, queueGroup, drainTimeout, stickyMaxEntries,
                    idempotencyMaxEntries, idempotencyTtl, decisionLogMaxEntries, decisionTtl, backpressure,
                    faultsEnabled, faultSlowStart, maxDelayedReplies, stream);
        }
    }

    private static String millis(Duration d) {
        return d == null ? "null" : String.valueOf(d.toMillis());
    }

    private static void require(boolean ok, String setting, String value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("--" + setting + ": \"" + value + "\" is not valid; expected "
                    + allowed);
        }
    }
}
