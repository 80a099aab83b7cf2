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
    private static final TaskOutcome DECIDED = TaskOutcome.decided(JsonNodeFactory.instance.objectNode());

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
