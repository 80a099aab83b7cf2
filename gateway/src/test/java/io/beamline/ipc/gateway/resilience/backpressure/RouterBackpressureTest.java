package io.beamline.ipc.gateway.resilience.backpressure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.BackpressureConfig;
import io.beamline.ipc.gateway.resilience.backpressure.RouterBackpressure.Status;
import io.beamline.ipc.gateway.routerclient.RouterResponse;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouterBackpressureTest {

    private final Deque<CompletableFuture<RouterResponse>> answers = new ArrayDeque<>();
    private final AtomicInteger breakerOpened = new AtomicInteger();
    private final RouterBackpressure bp = new RouterBackpressure(BackpressureConfig.DEFAULT,
            () -> answers.isEmpty() ? new CompletableFuture<>() : answers.poll(), breakerOpened::incrementAndGet);

    private static byte[] status(String status) {
        return ("{\"success\":true,\"data\":{\"subject\":\"beamline.router.v1.decide\",\"status\":\"" + status
                + "\",\"metrics\":{\"pending_messages\":0,\"latency_p95_ms\":7,\"inflight_messages\":600},"
                + "\"policy\":{\"retry_after_seconds\":30,\"max_retry_attempts\":3},\"timestamp\":1}}").getBytes(UTF_8);
    }

    private void poll(byte[] reply) {
        answers.add(CompletableFuture.completedFuture(new RouterResponse.Reply(reply)));
        bp.pollOnce().join();
    }

    @Test
    void activeRefusesEverySubmitWith429AndTheRoutersRetryAfterUntilTheStatusClears() {
        assertThat(bp.admit("t", Caller.UNKNOWN)).as("unknown before the first poll: served").isEmpty();
        poll(status("active"));
        ErrorBody refused = bp.admit("t", Caller.UNKNOWN).orElseThrow();
        assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.reason()).isEqualTo("router_overloaded");
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.retryAfterMs()).isEqualTo(30_000L);
        assertThat(bp.current().status().gauge()).isEqualTo(2);

        poll(status("inactive"));
        assertThat(bp.admit("t", Caller.UNKNOWN)).isEmpty();
        assertThat(bp.refused()).isEqualTo(1);
        assertThat(bp.polls(Status.ACTIVE)).isEqualTo(1);
        assertThat(bp.polls(Status.INACTIVE)).isEqualTo(1);
    }

    @Test
    void warningIsServedAndCounted() {
        poll(status("warning"));
        assertThat(bp.admit("t", Caller.UNKNOWN)).isEmpty();
        assertThat(bp.admit("t", Caller.UNKNOWN)).isEmpty();
        assertThat(bp.servedDuringWarning()).isEqualTo(2);
        assertThat(bp.current().status()).isEqualTo(Status.WARNING);
    }

    @Test
    void moreThanThreeConsecutiveActivePollsOpenTheBreaker() {
        poll(status("active"));
        poll(status("active"));
        poll(status("active"));
        poll(status("warning"));
        poll(status("active"));
        poll(status("active"));
        poll(status("active"));
        assertThat(breakerOpened).as("never more than 3 in a row").hasValue(0);
        poll(status("active"));
        assertThat(breakerOpened).hasValue(1);
        poll(status("active"));
        assertThat(breakerOpened).as("asked again while it lasts (a no-op when already open)").hasValue(2);
    }

    @Test
    void noAnswerIsUnknownCountedAndTrafficContinues() {
        poll(status("active"));
        answers.add(CompletableFuture.completedFuture(new RouterResponse.NoReply(RouterResponse.Kind.TIMEOUT, "late")));
        bp.pollOnce().join();
        assertThat(bp.current().status()).isEqualTo(Status.UNKNOWN);
        assertThat(bp.admit("t", Caller.UNKNOWN)).isEmpty();
        poll("not json".getBytes(UTF_8));
        poll("{\"success\":false}".getBytes(UTF_8));
        poll(status("unknown"));
        assertThat(bp.noAnswer()).isEqualTo(3);
        assertThat(bp.polls(Status.UNKNOWN)).isEqualTo(4);
        assertThat(bp.current().status().gauge()).isEqualTo(-1);
        assertThat(bp.admit("t", Caller.UNKNOWN)).isEmpty();
    }

    @Test
    void withoutTheRoutersHintRetryAfterIsThePollInterval() {
        poll("{\"success\":true,\"data\":{\"status\":\"active\"}}".getBytes(UTF_8));
        assertThat(bp.admit("t", Caller.UNKNOWN).orElseThrow().retryAfterMs()).isEqualTo(5000L);
    }
}
