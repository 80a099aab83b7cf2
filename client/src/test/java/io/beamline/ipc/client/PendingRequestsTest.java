package io.beamline.ipc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    private static Frame answer(int n) {
        return Frame.of(MessageType.RESPONSE_OK, ("{\"n\":" + n + "}").getBytes());
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
}
