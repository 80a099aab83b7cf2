package io.beamline.ipc.router.decide;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.DecideRequest;
import io.beamline.ipc.router.contract.Decision;
import io.beamline.ipc.router.policy.Fallback;
import io.beamline.ipc.router.policy.Policy;
import io.beamline.ipc.router.policy.PolicyKey;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.router.policy.Provider;
import io.beamline.ipc.router.policy.RateLimit;
import io.beamline.ipc.router.policy.Sticky;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000L;

    private final AtomicLong now = new AtomicLong(T0);

    private static Provider p(String name, double weight) {
        return new Provider(name, weight, 0, 0.0);
    }

    private static Policy policy(String tenant, String id, List<Provider> providers, List<Fallback> fallbacks,
                                 Sticky sticky, RateLimit rateLimit) {
        return new Policy(new PolicyKey(tenant, id), providers, fallbacks, sticky, rateLimit);
    }

    private DecisionEngine engine(Policy... policies) {
        return new DecisionEngine(PolicyStore.of(policies), new SplittableRandom(3), now::get,
                DecisionEngine.Limits.DEFAULT);
    }

    private static DecideRequest request(String tenant, String policy, String context) {
        return request(tenant, policy, context, null);
    }

    private static DecideRequest request(String tenant, String policy, String context, String idempotencyKey) {
        try {
            ObjectNode ctx = (ObjectNode) JSON.readTree(context);
            Long deadline = ctx.has("deadline") ? ctx.get("deadline").longValue() : null;
            return new DecideRequest("r1", null, tenant, policy, "text.generate", idempotencyKey, ctx, deadline, false);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Decision decided(DecideOutcome o) {
        assertThat(o).isInstanceOf(DecideOutcome.Decided.class);
        return ((DecideOutcome.Decided) o).decision();
    }

    private static ContractError refused(DecideOutcome o) {
        assertThat(o).isInstanceOf(DecideOutcome.Refused.class);
        return ((DecideOutcome.Refused) o).error();
    }

    @Test
    void weightedDecisionEchoesTheContextWithTenantAndExecutedExtensions() {
        DecisionEngine engine = engine(policy("t", "default", List.of(p("only", 1)), List.of(), Sticky.DISABLED,
                RateLimit.DISABLED));
        Decision d = decided(engine.decide(request("t", "default", "{\"max_latency_ms\":2000,\"source\":\"gw\"}")));
        assertThat(d.providerId()).isEqualTo("only");
        assertThat(d.reason()).isEqualTo("weighted");
        assertThat(d.priority()).isEqualTo(50);
        assertThat(d.expectedLatencyMs()).isZero();
        assertThat(d.expectedCost()).isZero();
        assertThat(d.metadata().toString()).isEqualTo(
                "{\"max_latency_ms\":2000,\"source\":\"gw\",\"tenant_id\":\"t\",\"executed_extensions\":[]}");
    }

    @Test
    void expectedLatencyAndCostComeFromThePolicyWhenItGivesThem() {
        DecisionEngine engine = engine(policy("t", "default", List.of(new Provider("fast", 1, 120, 0.25)),
                List.of(), Sticky.DISABLED, RateLimit.DISABLED));
        Decision d = decided(engine.decide(request("t", "default", "{}")));
        assertThat(d.expectedLatencyMs()).isEqualTo(120);
        assertThat(d.expectedCost()).isEqualTo(0.25);
    }

    @Test
    void stickySessionKeepsTheProviderUntilItsTtlExpires() {
        Sticky sticky = new Sticky(true, "user_id", Duration.ofMinutes(10));
        DecisionEngine engine = engine(policy("t", "default", List.of(p("a", 50), p("b", 50)), List.of(), sticky,
                RateLimit.DISABLED));
        Decision first = decided(engine.decide(request("t", "default", "{\"user_id\":\"u1\"}")));
        assertThat(first.reason()).isEqualTo("weighted");
        for (int i = 0; i < 50; i++) {
            now.addAndGet(Duration.ofMinutes(1).toMillis()); // each hit refreshes the TTL
            Decision again = decided(engine.decide(request("t", "default", "{\"user_id\":\"u1\"}")));
            assertThat(again.reason()).isEqualTo("sticky");
            assertThat(again.priority()).isEqualTo(100);
            assertThat(again.providerId()).isEqualTo(first.providerId());
        }
        now.addAndGet(Duration.ofMinutes(10).toMillis());
        assertThat(decided(engine.decide(request("t", "default", "{\"user_id\":\"u1\"}"))).reason())
                .isEqualTo("weighted");
        // Without the session key, or with another user, no sticky hit.
        assertThat(decided(engine.decide(request("t", "default", "{}"))).reason()).isEqualTo("weighted");
        assertThat(decided(engine.decide(request("t", "default", "{\"user_id\":\"u2\"}"))).reason())
                .isEqualTo("weighted");
    }

    @Test
    void stickySpreadsDifferentUsersOverTheWeights() {
        Sticky sticky = new Sticky(true, "user_id", Duration.ofMinutes(10));
        DecisionEngine engine = engine(policy("t", "default", List.of(p("a", 50), p("b", 50)), List.of(), sticky,
                RateLimit.DISABLED));
        long a = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> decided(engine.decide(request("t", "default", "{\"user_id\":\"u" + i + "\"}"))))
                .filter(d -> d.providerId().equals("a")).count();
        assertThat(a).isBetween(400L, 600L);
    }

    @Test
    void withoutWeightsTheFirstMatchingFallbackDecidesAndNothingLeftIsDecisionFailed() {
        List<Fallback> fallbacks = List.of(
                new Fallback(Map.of("status", List.of("timeout", "5xx")), 2, "anthropic"),
                new Fallback(Map.of("status", List.of("rate_limited")), 0, "local_llm"));
        DecisionEngine engine = engine(policy("t", "fb", List.of(p("off", 0)), fallbacks, Sticky.DISABLED,
                RateLimit.DISABLED));
        Decision onTimeout = decided(engine.decide(request("t", "fb", "{\"status\":\"503\"}")));
        assertThat(onTimeout.providerId()).isEqualTo("anthropic");
        assertThat(onTimeout.reason()).isEqualTo("fallback");
        assertThat(onTimeout.priority()).isEqualTo(25);
        assertThat(decided(engine.decide(request("t", "fb", "{\"status\":\"rate_limited\"}"))).providerId())
                .isEqualTo("local_llm");

        ContractError none = refused(engine.decide(request("t", "fb", "{\"status\":\"ok\"}")));
        assertThat(none.code()).isEqualTo("decision_failed");
        assertThat(none.message()).isEqualTo("Routing failed");
        assertThat(none.details()).containsEntry("tenant_id", "t").containsEntry("policy_id", "fb");
    }

    @Test
    void anUnconditionalFallbackAlwaysApplies() {
        DecisionEngine engine = engine(policy("t", "fb", List.of(), List.of(new Fallback(Map.of(), 0, "local")),
                Sticky.DISABLED, RateLimit.DISABLED));
        assertThat(decided(engine.decide(request("t", "fb", "{}"))).providerId()).isEqualTo("local");
    }

    @Test
    void unknownTenantOrPolicyIsPolicyNotFoundWithTheContractDetails() {
        DecisionEngine engine = engine(policy("t", "default", List.of(p("a", 1)), List.of(), Sticky.DISABLED,
                RateLimit.DISABLED));
        ContractError e = refused(engine.decide(request("acme", "premium", "{}")));
        assertThat(e.code()).isEqualTo("policy_not_found");
        assertThat(e.message()).isEqualTo("Routing failed");
        assertThat(e.intakeErrorCode()).isNull();
        assertThat(e.details()).isEqualTo(Map.of("context", "Policy not found in store", "policy_id", "premium",
                "tenant_id", "acme"));
        assertThat(refused(engine.decide(request("t", "premium", "{}"))).code()).isEqualTo("policy_not_found");
    }

    @Test
    void aDeadlineInThePastOrNowIsRefusedAndOneInTheFutureIsNot() {
        DecisionEngine engine = engine(policy("t", "default", List.of(p("a", 1)), List.of(), Sticky.DISABLED,
                RateLimit.DISABLED));
        ContractError past = refused(engine.decide(request("t", "default", "{\"deadline\":" + (T0 - 1) + "}")));
        assertThat(past.code()).isEqualTo("deadline_exceeded");
        assertThat(past.details()).containsEntry("deadline", T0 - 1).containsEntry("now_ms", T0);
        assertThat(refused(engine.decide(request("t", "default", "{\"deadline\":" + T0 + "}"))).code())
                .isEqualTo("deadline_exceeded");
        assertThat(decided(engine.decide(request("t", "default", "{\"deadline\":" + (T0 + 1) + "}"))).providerId())
                .isEqualTo("a");
    }

    @Test
    void thePolicyRateLimitRefusesWithRetryAfterAndRecoversAsTimePasses() {
        DecisionEngine engine = engine(policy("t", "limited", List.of(p("a", 1)), List.of(), Sticky.DISABLED,
                new RateLimit(true, 2, 2)));
        assertThat(decided(engine.decide(request("t", "limited", "{}"))).providerId()).isEqualTo("a");
        assertThat(decided(engine.decide(request("t", "limited", "{}"))).providerId()).isEqualTo("a");
        ContractError limited = refused(engine.decide(request("t", "limited", "{}")));
        assertThat(limited.code()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.serviceStatus()).isEqualTo(429);
        assertThat(limited.details()).containsEntry("retry_after_ms", 500L).containsEntry("policy_id", "limited");
        now.addAndGet(500);
        assertThat(decided(engine.decide(request("t", "limited", "{}"))).providerId()).isEqualTo("a");
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstDecisionAndDoesNotSpendTheRateLimit() {
        DecisionEngine engine = engine(policy("t", "default", List.of(p("a", 50), p("b", 50)), List.of(),
                Sticky.DISABLED, new RateLimit(true, 1, 1)));
        Decision first = decided(engine.decide(request("t", "default", "{}", "key-1")));
        for (int i = 0; i < 20; i++) {
            Decision again = decided(engine.decide(request("t", "default", "{\"n\":" + i + "}", "key-1")));
            assertThat(again.providerId()).isEqualTo(first.providerId());
            assertThat(again.reason()).isEqualTo(first.reason());
            assertThat(again.metadata().get("n").asInt()).as("metadata of the repeat").isEqualTo(i);
        }
        assertThat(refused(engine.decide(request("t", "default", "{}", "key-2"))).code())
                .isEqualTo("rate_limit_exceeded");
        // The same key of another tenant is another request.
        assertThat(refused(engine.decide(request("other", "default", "{}", "key-1"))).code())
                .isEqualTo("policy_not_found");
    }
}
