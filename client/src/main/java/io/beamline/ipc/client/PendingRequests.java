package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The requests sent and not yet answered, oldest first. Protocol v1 has no request id, so the n-th answer
 * belongs to the n-th request: callers must {@link #enqueue} in wire order (the client does it under its
 * write lock). The reader takes the head without that lock, so a writer blocked on a full socket can never
 * stop answers from being read.
 *
 * <p>A slot whose future already completed (timed out, cancelled) stays in line: the late answer still
 * removes it, and is dropped, instead of completing the next request's future.
 */
final class PendingRequests {

    private final Queue<CompletableFuture<Frame>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicReference<IpcConnectionException> closedBy = new AtomicReference<>();

    /**
     * Reserves the next answer for {@code answer}.
     *
     * @return false when the connection is already closed; {@code answer} is then failed and nothing must
     *         be written
     */
    boolean enqueue(CompletableFuture<Frame> answer) {
        IpcConnectionException cause = closedBy.get();
        if (cause != null) {
            answer.completeExceptionally(cause);
            return false;
        }
        queue.add(answer);
        // close() may have drained the queue between the check above and the add; drain again so that no
        // future is left waiting for an answer that will never come.
        if (closedBy.get() != null) {
            failAll();
        }
        return true;
    }

    /**
     * Hands an answer to the oldest request.
     *
     * @throws IpcProtocolException when no request is waiting (the stream can no longer be trusted)
     */
    void complete(Frame answer) {
        CompletableFuture<Frame> head = queue.poll();
        if (head == null) {
            throw new IpcProtocolException("the gateway sent " + answer + " but no request was waiting for it");
        }
        head.complete(answer); // false when it timed out: the answer is discarded, the order stays right
    }

    /**
     * Marks the connection closed and fails every waiting request with {@code cause}.
     *
     * @return true for the first call; later calls fail stragglers with the first cause
     */
    boolean close(IpcConnectionException cause) {
        boolean first = closedBy.compareAndSet(null, cause);
        failAll();
        return first;
    }

    /** The reason the connection closed, or null while it is open. */
    IpcConnectionException closedBy() {
        return closedBy.get();
    }

    int size() {
        return queue.size();
    }

    private void failAll() {
        IpcConnectionException cause = closedBy.get();
        CompletableFuture<Frame> f;
        while ((f = queue.poll()) != null) {
            f.completeExceptionally(cause);
        }
    }
}
