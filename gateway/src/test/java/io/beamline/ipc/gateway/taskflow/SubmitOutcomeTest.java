package io.beamline.ipc.gateway.taskflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.resilience.OutcomeAwareGate;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.resilience.SubmitGates;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.resilience.SubmitOutcome.Kind;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gates that hold something for a submit hear exactly once how it ended. */
class SubmitOutcomeTest {

    private RouterClient router;
    private final TaskRegistry registry = new TaskRegistry(16, Duration.ofMinutes(1), Clock.systemUTC());

    static final class Recorder implements OutcomeAwareGate {
        final List<Kind> ended = new CopyOnWriteArrayList<>();

        @Override
        public Optional<ErrorBody> admit(String tenantId, Caller caller) {
            return Optional.empty();
        }

        @Override
        public void ended(SubmitOutcome outcome) {
            ended.add(outcome.kind());
        }
    }

    @BeforeEach
    void start() {
        router = RouterClient.start(NatsConfig.of("nats://127.0.0.1:1", 1)); // nothing listens: nats_unavailable
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private RoutedTasks service(SubmitGate... gates) {
        return new RoutedTasks(router, RouterConfig.defaults(Duration.ofSeconds(1)), StreamsConfig.DEFAULTS, new SubmitGates(List.of(gates)),
                registry);
    }

    private static SubmitPayload submit(String taskId) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t").put("task_id", taskId);
        p.putObject("payload").put("prompt", "hello there");
        return SubmitPayload.read(Json.write(p));
    }

    private static String reason(TaskAnswer answer) {
        return ((TaskAnswer.Error) answer).response().error().reason();
    }

    @Test
    void aLaterRefusalEndsTheEarlierHoldersAsNotSent() {
        Recorder first = new Recorder();
        Recorder never = new Recorder();
        SubmitGate refusing = (t, c) -> Optional.of(ErrorBody.of(ErrorCode.OVERLOADED, "no"));
        TaskAnswer answer = service(first, refusing, never).submit(submit("a"), Caller.UNKNOWN).join();
        assertThat(reason(answer)).isEqualTo("overloaded");
        assertThat(registry.get("a")).as("a refused submit never takes its task_id").isEmpty();
        assertThat(first.ended).containsExactly(Kind.NOT_SENT);
        assertThat(never.ended).isEmpty();
    }

    @Test
    void aTransportFailureEndsEveryHolderOnceAsTransportFailed() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        RoutedTasks tasks = service(a, b);
        assertThat(reason(tasks.submit(submit("same"), Caller.UNKNOWN).join())).isEqualTo("nats_unavailable");
        assertThat(a.ended).containsExactly(Kind.TRANSPORT_FAILED);
        assertThat(b.ended).containsExactly(Kind.TRANSPORT_FAILED);
    }

    /** nats_unavailable is retryable: the retry with the same task_id is served again, not refused as a duplicate. */
    @Test
    void aRetryableFailureFreesTheTaskIdForTheClientsRetry() {
        Recorder a = new Recorder();
        RoutedTasks tasks = service(a);
        TaskAnswer first = tasks.submit(submit("same"), Caller.UNKNOWN).join();
        assertThat(reason(first)).isEqualTo("nats_unavailable");
        assertThat(((TaskAnswer.Error) first).response().error().retryable()).isTrue();

        assertThat(reason(tasks.submit(submit("same"), Caller.UNKNOWN).join())).isEqualTo("nats_unavailable");
        assertThat(a.ended).containsExactly(Kind.TRANSPORT_FAILED, Kind.TRANSPORT_FAILED);
    }

    @Test
    void aDuplicateIdEndsTheHoldersAsNotSent() {
        registry.register("held", "t", () -> { }); // a pending task holds the id
        Recorder a = new Recorder();
        assertThat(reason(service(a).submit(submit("held"), Caller.UNKNOWN).join())).isEqualTo("duplicate_task_id");
        assertThat(a.ended).containsExactly(Kind.NOT_SENT);
    }
}
