package io.beamline.ipc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    private static Frame answer(int n) {
        return Frame.of(MessageType.RESPONSE_OK, ("{\"n\":" + n + "}").getBytes());
    }

    private static Frame answerV2(int id, int n) {
        return Frame.v2(MessageType.RESPONSE_OK, id, ("{\"n\":" + n + "}").getBytes());
    }

    /** v2 ids taken from {@code candidates}, in this order. */
    private static PendingRequests withIdCandidates(Integer... candidates) {
        Iterator<Integer> it = List.of(candidates).iterator();
        return new PendingRequests(it::next);
    }

    @Test
    void answersCompleteRequestsOldestFirst() {
        CompletableFuture<Frame> first = new CompletableFuture<>();
        CompletableFuture<Frame> second = new CompletableFuture<>();
        pending.enqueue(first);
        pending.enqueue(second);

        pending.complete(answer(1));
        pending.complete(answer(2));

        assertThat(first.join().payloadAsString()).isEqualTo("{\"n\":1}");
        assertThat(second.join().payloadAsString()).isEqualTo("{\"n\":2}");
        assertThat(pending.size()).isZero();
    }

    @Test
    void alreadyCompletedRequestStillConsumesItsAnswer() {
        CompletableFuture<Frame> timedOut = new CompletableFuture<>();
        CompletableFuture<Frame> next = new CompletableFuture<>();
        pending.enqueue(timedOut);
        pending.enqueue(next);
        timedOut.completeExceptionally(new java.util.concurrent.TimeoutException());

        pending.complete(answer(1));
        pending.complete(answer(2));

        assertThat(next.join().payloadAsString()).isEqualTo("{\"n\":2}");
    }

    @Test
    void answerWithNoRequestWaitingIsAProtocolViolation() {
        assertThatThrownBy(() -> pending.complete(answer(1))).isInstanceOf(IpcProtocolException.class);
    }

    @Test
    void closeFailsWaitingAndLaterRequestsWithTheFirstCause() {
        CompletableFuture<Frame> waiting = new CompletableFuture<>();
        pending.enqueue(waiting);
        IpcConnectionException first = new IpcConnectionException("first");

        assertThat(pending.close(first)).isTrue();
        assertThat(pending.close(new IpcConnectionException("second"))).isFalse();

        CompletableFuture<Frame> later = new CompletableFuture<>();
        assertThat(pending.enqueue(later)).isFalse();
        assertThat(waiting).isCompletedExceptionally();
        assertThat(later.exceptionNow()).isSameAs(first);
        assertThat(waiting.exceptionNow()).isSameAs(first);
        assertThat(pending.closedBy()).isSameAs(first);
        assertThat(pending.size()).isZero();
    }

    // ---- v2: by request id ----

    @Test
    void v2AnswersCompleteTheRequestWithTheirIdInAnyOrder() {
        CompletableFuture<Frame> first = new CompletableFuture<>();
        CompletableFuture<Frame> second = new CompletableFuture<>();
        int a = pending.register(first);
        int b = pending.register(second);

        pending.complete(answerV2(b, 2));
        pending.complete(answerV2(a, 1));

        assertThat(a).isNotZero().isNotEqualTo(b);
        assertThat(first.join().payloadAsString()).isEqualTo("{\"n\":1}");
        assertThat(second.join().payloadAsString()).isEqualTo("{\"n\":2}");
        assertThat(pending.size()).isZero();
    }

    @Test
    void v2IdsAreAnUnsigned32BitCounterThatSkipsZero() {
        PendingRequests ids = new PendingRequests(new AtomicInteger(0xFFFF_FFFD)::incrementAndGet);

        assertThat(List.of(ids.register(new CompletableFuture<>()), ids.register(new CompletableFuture<>()),
                ids.register(new CompletableFuture<>())))
                .extracting(Integer::toUnsignedString).containsExactly("4294967294", "4294967295", "1");
    }

    @Test
    void anIdStillInFlightIsNeverReusedEvenWhenItsCallerStoppedWaiting() {
        PendingRequests ids = withIdCandidates(1, 1, 2);
        CompletableFuture<Frame> cancelled = new CompletableFuture<>();
        assertThat(ids.register(cancelled)).isEqualTo(1);
        cancelled.cancel(true);

        CompletableFuture<Frame> next = new CompletableFuture<>();
        assertThat(ids.register(next)).isEqualTo(2);

        ids.complete(answerV2(1, 1)); // the late answer of the cancelled request: dropped, not an unknown id
        ids.complete(answerV2(2, 2));
        assertThat(next.join().payloadAsString()).isEqualTo("{\"n\":2}");
    }

    @Test
    void anAnsweredIdIsFreeAgain() {
        PendingRequests ids = withIdCandidates(7, 7);
        CompletableFuture<Frame> first = new CompletableFuture<>();
        assertThat(ids.register(first)).isEqualTo(7);
        ids.complete(answerV2(7, 1));

        CompletableFuture<Frame> second = new CompletableFuture<>();
        assertThat(ids.register(second)).isEqualTo(7);
        ids.complete(answerV2(7, 2));
        assertThat(second.join().payloadAsString()).isEqualTo("{\"n\":2}");
    }

    @Test
    void v2AnswerUnderAnIdNobodyWaitsForIsAProtocolViolation() {
        int id = pending.register(new CompletableFuture<>());

        assertThatThrownBy(() -> pending.complete(answerV2(id + 1, 1))).isInstanceOf(IpcProtocolException.class)
                .hasMessageContaining("request id " + (id + 1));
        pending.complete(answerV2(id, 1));
        assertThatThrownBy(() -> pending.complete(answerV2(id, 1))).as("a second answer for the same id")
                .isInstanceOf(IpcProtocolException.class);
    }

    @Test
    void streamFrameForARequestThatDoesNotStreamIsAProtocolViolationAndItsRequestFailsWithTheConnection() {
        CompletableFuture<Frame> waiting = new CompletableFuture<>();
        int id = pending.register(waiting);

        assertThatThrownBy(() -> pending.complete(Frame.v2(MessageType.STREAM_DATA, id, "{}".getBytes())))
                .isInstanceOf(IpcProtocolException.class).hasMessageContaining("for a request that does not stream");
        assertThat(waiting).isNotDone();
        IpcConnectionException end = new IpcConnectionException("end");
        pending.close(end);
        assertThat(waiting.exceptionNow()).isSameAs(end);
    }

    @Test
    void closeFailsV2RequestsAndRefusesNewIds() {
        CompletableFuture<Frame> waiting = new CompletableFuture<>();
        pending.register(waiting);
        IpcConnectionException end = new IpcConnectionException("end");

        pending.close(end);

        CompletableFuture<Frame> later = new CompletableFuture<>();
        assertThat(pending.register(later)).isZero();
        assertThat(waiting.exceptionNow()).isSameAs(end);
        assertThat(later.exceptionNow()).isSameAs(end);
        assertThat(pending.size()).isZero();
    }
}
