package io.beamline.ipc.gateway.taskflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.resilience.SubmitGates;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.SubmitPayload;
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

    private RoutedTasks tasks(RouterConfig config, SubmitGate... gates) {
        return new RoutedTasks(router, config, StreamsConfig.DEFAULTS, new SubmitGates(List.of(gates)),
                new TaskRegistry(10, Duration.ofMinutes(1), Clock.systemUTC()));
    }

    private static SubmitPayload submit(String tenant) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t");
        p.putObject("payload").put("prompt", "hello there");
        if (tenant != null) {
            p.put("tenant_id", tenant);
        }
        return SubmitPayload.read(Json.write(p));
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
        RoutedTasks tasks = tasks(RouterConfig.defaults(Duration.ofSeconds(1)), open, refusing, never);

        TaskAnswer answer = tasks.submit(submit("acme"), new Caller(1, 1000, 1000)).join();

        assertThat(answer).isInstanceOfSatisfying(TaskAnswer.Error.class, e -> {
            assertThat(e.response().error().code()).isEqualTo(9); // RATE_LIMITED
            assertThat(e.response().error().reason()).isEqualTo("rate_limited");
            assertThat(e.response().error().retryAfterMs()).isEqualTo(250L);
            assertThat(e.response().taskId()).isNotBlank();
            assertThat(e.response().traceId()).matches("[0-9a-f]{32}");
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
        RoutedTasks tasks = tasks(config, spy);

        tasks.submit(submit(null), new Caller(1, 1000, 1000)).join();
        tasks.submit(submit(null), new Caller(1, 1001, 1001)).join();
        tasks.submit(submit("named"), new Caller(1, 1000, 1000)).join();

        assertThat(tenants).containsExactly("acme", "default_tenant", "named");
    }

    @Test
    void badInputIsAnsweredBeforeAnyGateIsAsked() {
        List<String> asked = new ArrayList<>();
        RoutedTasks tasks = tasks(RouterConfig.defaults(Duration.ofSeconds(1)), (tenant, caller) -> {
            asked.add(tenant);
            return Optional.empty();
        });
        ObjectNode noType = Json.mapper().createObjectNode();
        noType.putObject("payload").put("prompt", "hello there");

        TaskAnswer answer = tasks.submit(SubmitPayload.read(Json.write(noType)), Caller.UNKNOWN).join();

        assertThat(answer).isInstanceOfSatisfying(TaskAnswer.Error.class, e -> {
            assertThat(e.response().error().code()).isEqualTo(4); // INVALID_PAYLOAD
            assertThat(e.response().error().message()).contains("task_type");
        });
        assertThat(asked).isEmpty();
    }
}
