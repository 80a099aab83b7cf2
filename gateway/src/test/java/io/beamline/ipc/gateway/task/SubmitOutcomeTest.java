package io.beamline.ipc.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.resilience.OutcomeAwareGate;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.resilience.SubmitOutcome.Kind;
import io.beamline.ipc.gateway.routerclient.ErrorTranslation;
import io.beamline.ipc.gateway.routerclient.RouterCallFailure;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.RouterErrorInfo;
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

    private RoutedTaskService service(List<SubmitGate> gates) {
        return new RoutedTaskService(router, new TaskRegistry(16, Duration.ofMinutes(1), Clock.systemUTC()),
                RouterConfig.defaults(Duration.ofSeconds(1)), gates);
    }

    private static ObjectNode submit(String taskId) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "t").put("task_id", taskId);
        p.putObject("payload").put("prompt", "hello there");
        return p;
    }

    @Test
    void aLaterRefusalEndsTheEarlierHoldersAsNotSent() {
        Recorder first = new Recorder();
        Recorder never = new Recorder();
        SubmitGate refusing = (t, c) -> Optional.of(ErrorBody.of(ErrorCode.OVERLOADED, "no"));
        catchThrowable(() -> service(List.of(first, refusing, never)).submit(submit("a"), Caller.UNKNOWN).join());
        assertThat(first.ended).containsExactly(Kind.NOT_SENT);
        assertThat(never.ended).isEmpty();
    }

    @Test
    void aTransportFailureEndsEveryHolderOnceAsTransportFailedAndADuplicateIdAsNotSent() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        RoutedTaskService tasks = service(List.of(a, b));
        Throwable t = catchThrowable(() -> tasks.submit(submit("same"), Caller.UNKNOWN).join());
        assertThat(((TaskFailure) t.getCause()).response().error().reason()).isEqualTo("nats_unavailable");
        assertThat(a.ended).containsExactly(Kind.TRANSPORT_FAILED);
        assertThat(b.ended).containsExactly(Kind.TRANSPORT_FAILED);

        catchThrowable(() -> tasks.submit(submit("same"), Caller.UNKNOWN).join());
        assertThat(a.ended).containsExactly(Kind.TRANSPORT_FAILED, Kind.NOT_SENT);
    }

    @Test
    void whatCountsAgainstTheRouter() {
        assertThat(RoutedTaskService.outcomeFor(null)).isEqualTo(Kind.ROUTER_ANSWERED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromRouter(
                new RouterErrorInfo("policy_not_found", null, null), "x"))).isEqualTo(Kind.ROUTER_ANSWERED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromRouter(
                new RouterErrorInfo("rate_limit_exceeded", null, null), "x"))).isEqualTo(Kind.ROUTER_ANSWERED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromRouter(
                new RouterErrorInfo("internal", null, null), "x"))).isEqualTo(Kind.ROUTER_FAILED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromRouter(
                new RouterErrorInfo("extension_unavailable", null, null), "x"))).isEqualTo(Kind.ROUTER_FAILED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.badReply("x"))).isEqualTo(Kind.ROUTER_FAILED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromFailure(
                new RouterCallFailure(RouterCallFailure.Kind.TIMEOUT, "x")))).isEqualTo(Kind.ROUTER_FAILED);
        for (RouterCallFailure.Kind k : List.of(RouterCallFailure.Kind.NO_RESPONDERS,
                RouterCallFailure.Kind.NATS_DISCONNECTED, RouterCallFailure.Kind.NATS_UNAVAILABLE)) {
            assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromFailure(new RouterCallFailure(k, "x"))))
                    .as("%s", k).isEqualTo(Kind.TRANSPORT_FAILED);
        }
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.fromFailure(
                new RouterCallFailure(RouterCallFailure.Kind.SHUTDOWN, "x")))).isEqualTo(Kind.IGNORED);
        assertThat(RoutedTaskService.outcomeFor(ErrorTranslation.cancelled("x"))).isEqualTo(Kind.IGNORED);
    }
}
