package io.beamline.ipc.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gates run before anything reaches NATS, with the tenant the submit will carry and the caller. */
class SubmitAdmissionTest {

    private RouterClient router;

    @BeforeEach
    void start() {
        // Nothing listens there: any submit that got past the gates would fail with 503, not with the gate's error.
        router = RouterClient.start(NatsConfig.of("nats://127.0.0.1:1", 1));
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private static ObjectNode submit(String tenant) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t");
        p.putObject("payload").put("prompt", "hello there");
        if (tenant != null) {
            p.put("tenant_id", tenant);
        }
        return p;
    }

    @Test
    void theFirstRefusingGateAnswersWithTheTaskAndTraceIds() {
        List<String> asked = new ArrayList<>();
        SubmitGate open = (tenant, caller) -> {
            asked.add("open:" + tenant + ":" + caller.uid());
            return Optional.empty();
        };
        SubmitGate refusing = (tenant, caller) -> {
            asked.add("refusing");
            return Optional.of(ErrorBody.of(ErrorCode.RATE_LIMITED, "rate_limited", "slow down").withRetryAfterMs(250));
        };
        SubmitGate never = (tenant, caller) -> {
            asked.add("never");
            return Optional.empty();
        };
        RoutedTaskService tasks = new RoutedTaskService(router, new TaskRegistry(10, Duration.ofMinutes(1),
                Clock.systemUTC()), RouterConfig.defaults(Duration.ofSeconds(1)), List.of(open, refusing, never));

        Throwable t = catchThrowable(() -> tasks.submit(submit("acme"), new Caller(1, 1000, 1000)).join());

        assertThat(t.getCause()).isInstanceOfSatisfying(TaskFailure.class, f -> {
            assertThat(f.response().error().code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            assertThat(f.response().error().retryAfterMs()).isEqualTo(250L);
            assertThat(f.response().taskId()).isNotBlank();
            assertThat(f.response().traceId()).matches("[0-9a-f]{32}");
        });
        assertThat(asked).containsExactly("open:acme:1000", "refusing");
        assertThat(router.pending()).isZero();
    }

    @Test
    void aSubmitNamingNoTenantGetsTheCallersTenantElseTheDefault() {
        List<String> tenants = new ArrayList<>();
        SubmitGate spy = (tenant, caller) -> {
            tenants.add(tenant);
            return Optional.of(ErrorBody.of(ErrorCode.OVERLOADED, "stop here"));
        };
        RouterConfig base = RouterConfig.defaults(Duration.ofSeconds(1));
        RouterConfig config = new RouterConfig(base.subject(), base.timeout(), base.maxTimeout(), base.defaultTenant(),
                Map.of(1000, "acme"), base.defaultPolicy(), base.getDecisionSubject(), base.cancelSubject());
        RoutedTaskService tasks = new RoutedTaskService(router, new TaskRegistry(10, Duration.ofMinutes(1),
                Clock.systemUTC()), config, List.of(spy));

        catchThrowable(() -> tasks.submit(submit(null), new Caller(1, 1000, 1000)).join());
        catchThrowable(() -> tasks.submit(submit(null), new Caller(1, 1001, 1001)).join());
        catchThrowable(() -> tasks.submit(submit("named"), new Caller(1, 1000, 1000)).join());

        assertThat(tenants).containsExactly("acme", "default_tenant", "named");
    }
}
