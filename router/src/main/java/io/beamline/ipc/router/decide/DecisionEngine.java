package io.beamline.ipc.router.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.DecideRequest;
import io.beamline.ipc.router.contract.Decision;
import io.beamline.ipc.router.policy.Fallback;
import io.beamline.ipc.router.policy.Policy;
import io.beamline.ipc.router.policy.PolicyKey;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.router.policy.Provider;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Routes one valid request: a repeated idempotency key returns the first decision; otherwise policy lookup,
 * deadline, the policy's rate limit, then sticky hit (priority 100) → weighted choice (50) → first matching
 * fallback (25) → {@code decision_failed}.
 */
public final class DecisionEngine {

    public static final String REASON_STICKY = "sticky";
    public static final String REASON_WEIGHTED = "weighted";
    public static final String REASON_FALLBACK = "fallback";

    static final int MAX_SESSION_CHARS = 256;

    private record StickyKey(PolicyKey policy, String session) {
    }

    private record IdempotencyKey(String tenantId, String key) {
    }

    private final PolicyStore policies;
    private final WeightedSelector selector;
    private final LongSupplier nowMs;
    private final ExpiringCache<StickyKey, String> sticky;
    private final ExpiringCache<IdempotencyKey, Decision> idempotency;
    private final long idempotencyTtlMs;
    private final Map<PolicyKey, TokenBucket> buckets = new ConcurrentHashMap<>();

    public DecisionEngine(PolicyStore policies, RandomGenerator random, LongSupplier nowMs, Limits limits) {
        this.policies = policies;
        this.selector = new WeightedSelector(random);
        this.nowMs = nowMs;
        this.sticky = new ExpiringCache<>(limits.stickyMaxEntries(), nowMs);
        this.idempotency = new ExpiringCache<>(limits.idempotencyMaxEntries(), nowMs);
        this.idempotencyTtlMs = limits.idempotencyTtl().toMillis();
    }

    /** Bounds of the engine's memory. */
    public record Limits(int stickyMaxEntries, int idempotencyMaxEntries, Duration idempotencyTtl) {
        public static final Limits DEFAULT = new Limits(100_000, 100_000, Duration.ofMinutes(10));
    }

    /** The policies this engine routes by. */
    public PolicyStore policies() {
        return policies;
    }

    public DecideOutcome decide(DecideRequest request) {
        IdempotencyKey idemKey = request.idempotencyKey() == null ? null
                : new IdempotencyKey(request.tenantId(), request.idempotencyKey());
        if (idemKey != null) {
            Decision first = idempotency.get(idemKey);
            if (first != null) {
                return new DecideOutcome.Decided(withMetadata(first, metadata(request)));
            }
        }
        Optional<Policy> found = policies.find(request.tenantId(), request.policyId());
        if (found.isEmpty()) {
            return refused(ContractError.policyNotFound(request.tenantId(), request.policyId()));
        }
        Policy policy = found.get();
        long now = nowMs.getAsLong();
        if (request.deadlineMs() != null && request.deadlineMs() <= now) {
            return refused(ContractError.deadlineExceeded(request.tenantId(), request.policyId(),
                    request.deadlineMs(), now));
        }
        if (policy.rateLimit().enabled()) {
            long retryAfterMs = buckets.computeIfAbsent(policy.key(), k -> new TokenBucket(
                    policy.rateLimit().requestsPerSecond(), policy.rateLimit().burst(), now)).tryAcquire(now);
            if (retryAfterMs > 0) {
                return refused(ContractError.rateLimited(request.tenantId(), request.policyId(), retryAfterMs));
            }
        }
        Optional<Decision> decision = select(policy, request);
        if (decision.isEmpty()) {
            return refused(ContractError.decisionFailed(request.tenantId(), request.policyId()));
        }
        Decision d = decision.get();
        if (idemKey != null) {
            // Stored without metadata so that an entry stays small whatever the request carried; a concurrent
            // twin with the same key may have won the race, and then its decision is the first one.
            Decision first = idempotency.putIfAbsent(idemKey, withMetadata(d, null), idempotencyTtlMs);
            d = withMetadata(first, d.metadata());
        }
        return new DecideOutcome.Decided(d);
    }

    private Optional<Decision> select(Policy policy, DecideRequest request) {
        StickyKey stickyKey = stickyKey(policy, request.routingContext());
        if (stickyKey != null) {
            String provider = sticky.get(stickyKey);
            if (provider != null) {
                sticky.put(stickyKey, provider, policy.sticky().ttl().toMillis());
                return Optional.of(decision(policy, provider, REASON_STICKY, 100, request));
            }
        }
        Optional<Provider> weighted = selector.select(policy.providers());
        if (weighted.isPresent()) {
            if (stickyKey != null) {
                sticky.put(stickyKey, weighted.get().name(), policy.sticky().ttl().toMillis());
            }
            return Optional.of(decision(policy, weighted.get().name(), REASON_WEIGHTED, 50, request));
        }
        Map<String, String> scalars = scalars(request.routingContext());
        for (Fallback f : policy.fallbacks()) {
            if (f.matches(scalars)) {
                return Optional.of(decision(policy, f.to(), REASON_FALLBACK, 25, request));
            }
        }
        return Optional.empty();
    }

    private static StickyKey stickyKey(Policy policy, ObjectNode context) {
        if (!policy.sticky().enabled()) {
            return null;
        }
        JsonNode session = context.get(policy.sticky().sessionKey());
        if (session == null || !session.isValueNode() || session.isNull()
                || session.asText().length() > MAX_SESSION_CHARS) {
            return null; // an oversized session value would let one client fill the sticky table's memory
        }
        return new StickyKey(policy.key(), session.asText());
    }

    private static Decision decision(Policy policy, String provider, String reason, int priority,
                                     DecideRequest request) {
        Optional<Provider> entry = policy.provider(provider);
        return new Decision(provider, priority, reason, entry.map(Provider::expectedLatencyMs).orElse(0L),
                entry.map(Provider::expectedCost).orElse(0.0), metadata(request));
    }

    /** The routing context (owned by this request) plus tenant_id and the (empty) executed extensions. */
    private static ObjectNode metadata(DecideRequest request) {
        ObjectNode metadata = request.routingContext();
        metadata.put("tenant_id", request.tenantId());
        metadata.putArray("executed_extensions");
        return metadata;
    }

    private static Decision withMetadata(Decision d, ObjectNode metadata) {
        return new Decision(d.providerId(), d.priority(), d.reason(), d.expectedLatencyMs(), d.expectedCost(),
                metadata);
    }

    private static Map<String, String> scalars(ObjectNode context) {
        Map<String, String> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = context.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private static DecideOutcome refused(ContractError error) {
        return new DecideOutcome.Refused(error);
    }
}
