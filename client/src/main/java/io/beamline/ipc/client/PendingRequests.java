package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * The requests sent and not yet answered. An answer is matched by its frame's version:
 * <ul>
 *   <li><b>v1</b> has no request id, so the n-th v1 answer belongs to the n-th v1 request: callers must
 *       {@link #enqueue} in wire order (the client does it under its write lock);</li>
 *   <li><b>v2</b> answers carry the id {@link #register} gave their request, and come in any order.</li>
 * </ul>
 * The reader takes answers without the write lock, so a writer blocked on a full socket can never stop
 * answers from being read.
 *
 * <p>A request whose future already completed (timed out, cancelled) keeps its place: its v1 slot stays in
 * line and its v2 id stays reserved, so its late answer still removes it, and is dropped, instead of
 * completing another request's future. A v2 id is free again once its answer came.
 */
final class PendingRequests {

    private final Queue<CompletableFuture<Frame>> inOrder = new ConcurrentLinkedQueue<>();
    private final Map<Integer, CompletableFuture<Frame>> byId = new ConcurrentHashMap<>();
    /** Candidate v2 ids; {@link #register} skips 0 and ids in use. */
    private final IntSupplier idCandidates;
    private final AtomicReference<IpcConnectionException> closedBy = new AtomicReference<>();

    /** v2 ids from an unsigned 32-bit counter: 1, 2, … 0xFFFFFFFF, then 1 again. */
    PendingRequests() {
        this(new AtomicInteger()::incrementAndGet);
    }

    /** For tests: where the v2 ids come from. */
    PendingRequests(IntSupplier idCandidates) {
        this.idCandidates = idCandidates;
    }

    /**
     * Reserves the next v1 answer for {@code answer}.
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
        inOrder.add(answer);
        // close() may have drained between the check above and the add; drain again so that no future is
        // left waiting for an answer that will never come.
        if (closedBy.get() != null) {
            failAll();
        }
        return true;
    }

    /**
     * Reserves a fresh v2 request id for {@code answer}: never 0, never one still in use on this connection.
     * (It cannot loop forever: that would take 2^32 - 1 requests in flight.)
     *
     * @return the id, or 0 when the connection is already closed; {@code answer} is then failed and nothing
     *         must be written
     */
    int register(CompletableFuture<Frame> answer) {
        IpcConnectionException cause = closedBy.get();
        if (cause != null) {
            answer.completeExceptionally(cause);
            return 0;
        }
        int id;
        do {
            id = idCandidates.getAsInt();
        } while (id == 0 || byId.putIfAbsent(id, answer) != null);
        if (closedBy.get() != null) { // as in enqueue()
            failAll();
        }
        return id;
    }

    /** Frees an id {@link #register}ed for a request that was not sent after all. */
    void release(int id, CompletableFuture<Frame> answer) {
        byId.remove(id, answer);
    }

    /**
     * Hands an answer to its request: a v1 answer to the oldest v1 request, a v2 answer to the request
     * with its id.
     *
     * @throws IpcProtocolException when no request is waiting for it, or when it is a stream frame (the
     *                              stream can no longer be trusted: the connection must end)
     */
    void complete(Frame answer) {
        if (answer.version() == Frame.V1) {
            CompletableFuture<Frame> head = inOrder.poll();
            if (head == null) {
                throw new IpcProtocolException("the gateway sent " + describe(answer) + " but no request was waiting for it");
            }
            head.complete(answer); // false when it timed out: the answer is discarded, the order stays right
            return;
        }
        int id = answer.requestId();
        CompletableFuture<Frame> waiting = byId.get(id);
        if (waiting == null) {
            throw new IpcProtocolException("the gateway sent " + describe(answer) + " under request id "
                    + Integer.toUnsignedString(id) + ", which no request is waiting for");
        }
        if (isStream(answer)) {
            // Left in place: closing the connection fails it with everything else still waiting.
            throw new IpcProtocolException("the gateway sent " + answer + " for request id " + Integer.toUnsignedString(id)
                    + ", but this client does not support streams yet");
        }
        byId.remove(id, waiting); // the id is free again
        waiting.complete(answer); // false when it timed out or was cancelled: the answer is discarded
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

    /** Requests not answered yet, those that timed out or were cancelled included. */
    int size() {
        return inOrder.size() + byId.size();
    }

    private void failAll() {
        IpcConnectionException cause = closedBy.get();
        CompletableFuture<Frame> f;
        while ((f = inOrder.poll()) != null) {
            f.completeExceptionally(cause);
        }
        for (Integer id : byId.keySet()) {
            CompletableFuture<Frame> g = byId.remove(id);
            if (g != null) {
                g.completeExceptionally(cause);
            }
        }
    }

    private static boolean isStream(Frame frame) {
        MessageType t = frame.type();
        return t == MessageType.STREAM_DATA || t == MessageType.STREAM_COMPLETE || t == MessageType.STREAM_ERROR;
    }

    /** The frame, and an error's payload: what a gateway sends unasked is usually why it is closing. */
    private static String describe(Frame frame) {
        if (frame.type() != MessageType.RESPONSE_ERROR) {
            return frame.toString();
        }
        String text = frame.payloadAsString();
        return frame + " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
}
