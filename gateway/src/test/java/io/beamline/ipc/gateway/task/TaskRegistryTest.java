package io.beamline.ipc.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.testkit.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

    private final MutableClock clock = new MutableClock();
    private final TaskRegistry registry = new TaskRegistry(3, Duration.ofSeconds(60), clock);
    private static final TaskOutcome DECIDED = TaskOutcome.decided("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    @Test
    void aTaskMovesFromPendingToOneFinalStatusOnce() {
        assertThat(registry.register("a", "t", () -> { })).isEmpty();
        assertThat(registry.get("a").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
        assertThat(registry.finish("a", DECIDED)).isTrue();
        assertThat(registry.finish("a", TaskOutcome.failed(ErrorBody.of(ErrorCode.TIMEOUT, "late")))).isFalse();
        assertThat(registry.get("a").orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(registry.finish("unknown", DECIDED)).isFalse();
    }

    @Test
    void aFinishedTaskIsForgottenTtlAfterItFinishedAndAPendingOneNever() {
        registry.register("done", "t", () -> { });
        registry.register("waiting", "t", () -> { });
        clock.advance(Duration.ofSeconds(30));
        registry.finish("done", TaskOutcome.failed(ErrorBody.of(ErrorCode.UNAVAILABLE, "x")));
        clock.advance(Duration.ofSeconds(59));
        assertThat(registry.get("done")).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(registry.get("done")).isEmpty();
        clock.advance(Duration.ofDays(1));
        assertThat(registry.get("waiting")).isPresent();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void whenFullTheOldestFinishedTaskMakesRoomAndOnlyPendingOnesRefuseNewTasks() {
        registry.register("1", "t", () -> { });
        registry.register("2", "t", () -> { });
        registry.register("3", "t", () -> { });
        assertThat(registry.register("4", "t", () -> { })).contains(TaskRegistry.Refusal.FULL);
        registry.finish("2", DECIDED);
        registry.finish("1", DECIDED);
        assertThat(registry.register("4", "t", () -> { })).isEmpty();
        assertThat(registry.get("2")).as("finished first, evicted first").isEmpty();
        assertThat(registry.get("1")).isPresent();
        assertThat(registry.size()).isEqualTo(3);
    }

    @Test
    void aDuplicateIdIsRefused() {
        registry.register("a", "t", () -> { });
        assertThat(registry.register("a", "t", () -> { })).contains(TaskRegistry.Refusal.DUPLICATE_ID);
    }

    /** Bodies written out, retryable flag included: the rule reads the body's flag, not a table of codes. */
    private static final ErrorBody NATS_UNAVAILABLE =
            new ErrorBody(7, 503, "nats_unavailable", "no NATS connection", true, null, null);
    private static final ErrorBody TIMED_OUT = new ErrorBody(5, 504, "timeout", "no reply in time", true, null, null);
    private static final ErrorBody ROUTER_RATE_LIMITED =
            new ErrorBody(9, 429, "rate_limit_exceeded", "Router: slow down", true, 1000L, null);
    private static final ErrorBody POLICY_NOT_FOUND =
            new ErrorBody(11, 404, "policy_not_found", "Router: no such policy", false, null, null);
    private static final ErrorBody ROUTER_FAILED =
            new ErrorBody(14, 500, "decision_failed", "Router: failed", false, null, null);
    private static final ErrorBody CANCELLED = new ErrorBody(10, 499, "cancelled", "by TASK_CANCEL", false, null, null);

    @Test
    void aTaskThatFailedWithARetryableErrorFreesItsIdAndTheRetryReplacesIt() {
        for (ErrorBody retryable : new ErrorBody[] {NATS_UNAVAILABLE, TIMED_OUT, ROUTER_RATE_LIMITED}) {
            String id = "retry-" + retryable.reason();
            registry.register(id, "first", () -> { });
            registry.finish(id, TaskOutcome.failed(retryable));
            assertThat(registry.register(id, "second", () -> { })).as(retryable.reason()).isEmpty();
            TaskSnapshot retry = registry.get(id).orElseThrow();
            assertThat(retry.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retry.traceId()).isEqualTo("second");
            assertThat(registry.finish(id, DECIDED)).as("the retry is finished, not the old entry").isTrue();
            assertThat(registry.register(id, "third", () -> { })).as("a decision holds the id")
                    .contains(TaskRegistry.Refusal.DUPLICATE_ID);
        }
    }

    @Test
    void aPendingTaskADecisionANonRetryableErrorAndACancelKeepTheirIds() {
        registry.register("pending", "t", () -> { });
        registry.register("decided", "t", () -> { });
        registry.finish("decided", DECIDED);
        assertThat(registry.register("pending", "t", () -> { })).contains(TaskRegistry.Refusal.DUPLICATE_ID);
        assertThat(registry.register("decided", "t", () -> { })).contains(TaskRegistry.Refusal.DUPLICATE_ID);
        for (ErrorBody standing : new ErrorBody[] {POLICY_NOT_FOUND, ROUTER_FAILED}) {
            TaskRegistry own = new TaskRegistry(3, Duration.ofSeconds(60), clock);
            own.register("a", "t", () -> { });
            own.finish("a", TaskOutcome.failed(standing));
            assertThat(own.register("a", "t", () -> { })).as(standing.reason())
                    .contains(TaskRegistry.Refusal.DUPLICATE_ID);
        }
        TaskRegistry own = new TaskRegistry(3, Duration.ofSeconds(60), clock);
        own.register("a", "t", () -> { });
        own.cancel("a", TaskOutcome.failed(CANCELLED));
        assertThat(own.register("a", "t", () -> { })).contains(TaskRegistry.Refusal.DUPLICATE_ID);
    }

    @Test
    void aReplacedEntryNeitherMakesRoomNorExpiresItsRetry() {
        registry.register("a", "t", () -> { });
        registry.finish("a", TaskOutcome.failed(NATS_UNAVAILABLE));
        registry.register("b", "t", () -> { });
        registry.register("c", "t", () -> { });
        assertThat(registry.register("a", "retry", () -> { })).as("replaces, needs no room").isEmpty();
        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.register("d", "t", () -> { })).as("all three pending")
                .contains(TaskRegistry.Refusal.FULL);
        clock.advance(Duration.ofSeconds(60));
        assertThat(registry.get("a").orElseThrow().status()).as("the old entry's TTL is not the retry's")
                .isEqualTo(TaskStatus.PENDING);
        assertThat(registry.get("b")).isPresent();
        assertThat(registry.get("c")).isPresent();
    }

    /** Many retries of one id leave many replaced entries behind: none of them counts, expires or makes room. */
    @Test
    void retriesBeyondTheRegistrysSizeLeaveNothingBehindThatCounts() {
        for (int i = 0; i < 10; i++) {
            assertThat(registry.register("a", "try-" + i, () -> { })).isEmpty();
            registry.finish("a", TaskOutcome.failed(NATS_UNAVAILABLE));
            clock.advance(Duration.ofSeconds(1));
        }
        registry.register("a", "last", () -> { });
        registry.finish("a", DECIDED);
        registry.register("b", "t", () -> { });
        registry.finish("b", DECIDED);
        registry.register("c", "t", () -> { });
        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.register("d", "t", () -> { })).as("the oldest finished held task, a, makes room").isEmpty();
        assertThat(registry.get("a")).isEmpty();
        assertThat(registry.get("b").orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        clock.advance(Duration.ofSeconds(60));
        assertThat(registry.get("b")).as("expired").isEmpty();
        assertThat(registry.get("c").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
        assertThat(registry.get("d").orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void cancelEndsAPendingTaskOnceAndRunsItsAbort() {
        AtomicInteger aborted = new AtomicInteger();
        registry.register("a", "t", aborted::incrementAndGet);
        var first = registry.cancel("a", TaskOutcome.failed(ErrorBody.of(ErrorCode.CANCELLED, "x"))).orElseThrow();
        assertThat(first.cancelledNow()).isTrue();
        assertThat(first.task().status()).isEqualTo(TaskStatus.CANCELLED);
        var second = registry.cancel("a", TaskOutcome.failed(ErrorBody.of(ErrorCode.CANCELLED, "x"))).orElseThrow();
        assertThat(second.cancelledNow()).isFalse();
        assertThat(aborted).hasValue(1);
        assertThat(registry.finish("a", DECIDED)).as("a reply after cancel").isFalse();
        assertThat(registry.cancel("nobody", TaskOutcome.failed(ErrorBody.of(ErrorCode.CANCELLED, "x")))).isEmpty();
    }
}
