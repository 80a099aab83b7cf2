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
 * <p>Each request is a {@link Receiver}. Most take one frame; a stream takes its answer, its chunks and its
 * terminal frame, and keeps its v1 place at the head of the line (every later v1 answer waits behind it,
 * as the gateway sends them) or its v2 id until the terminal frame.
 *
 * <p>A request whose future already completed (timed out, cancelled) keeps its place: its v1 slot stays in
 * line and its v2 id stays reserved, so its late answer still removes it, and is dropped, instead of
 * completing another request's future. A v2 id is free again once its (last) answer came.
 */
final class PendingRequests {

    private final Queue<Receiver> inOrder = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Receiver> byId = new ConcurrentHashMap<>();
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

    /** {@link #enqueue(Receiver)} for a request answered by one frame. */
    boolean enqueue(CompletableFuture<Frame> answer) {
        return enqueue(Receiver.single(answer));
    }

    /**
     * Reserves the next v1 answer for {@code receiver}.
     *
     * @return false when the connection is already closed; {@code receiver} is then failed and nothing must
     *         be written
     */
    boolean enqueue(Receiver receiver) {
        IpcConnectionException cause = closedBy.get();
        if (cause != null) {
            receiver.fail(cause);
            return false;
        }
        inOrder.add(receiver);
        // close() may have drained between the check above and the add; drain again so that no future is
        // left waiting for an answer that will never come.
        if (closedBy.get() != null) {
            failAll();
        }
        return true;
    }

    /** {@link #register(Receiver)} for a request answered by one frame. */
    int register(CompletableFuture<Frame> answer) {
        return register(Receiver.single(answer));
    }

    /**
     * Reserves a fresh v2 request id for {@code receiver}: never 0, never one still in use on this
     * connection. (It cannot loop forever: that would take 2^32 - 1 requests in flight.)
     *
     * @return the id, or 0 when the connection is already closed; {@code receiver} is then failed and nothing
     *         must be written
     */
    int register(Receiver receiver) {
        IpcConnectionException cause = closedBy.get();
        if (cause != null) {
            receiver.fail(cause);
            return 0;
        }
        int id;
        do {
            id = idCandidates.getAsInt();
        } while (id == 0 || byId.putIfAbsent(id, receiver) != null);
        if (closedBy.get() != null) { // as in enqueue()
            failAll();
        }
        return id;
    }

    /** Frees an id {@link #register}ed for a request that was not sent after all. */
    void release(int id) {
        byId.remove(id);
    }

    /**
     * Hands a frame to its request: a v1 frame to the oldest v1 request, a v2 frame to the request with its
     * id. The request stays waiting when the frame was not its last (a stream's).
     *
     * @throws IpcProtocolException when no request is waiting for it, or when its request does not accept it
     *                              (e.g. a stream frame for a request that does not stream): the stream of
     *                              frames can no longer be trusted, the connection must end
     */
    void complete(Frame frame) {
        if (frame.version() == Frame.V1) {
            Receiver head = inOrder.peek(); // only this thread removes: the head stays the head
            if (head == null) {
                throw new IpcProtocolException("the gateway sent " + describe(frame) + " but no request was waiting for it");
            }
            if (head.isLast(frame)) {
                inOrder.remove(head); // the head, unless close() drained the line meanwhile
            }
            head.receive(frame);
            return;
        }
        int id = frame.requestId();
        Receiver waiting = byId.get(id);
        if (waiting == null) {
            throw new IpcProtocolException("the gateway sent " + describe(frame) + " under request id "
                    + Integer.toUnsignedString(id) + ", which no request is waiting for");
        }
        if (waiting.isLast(frame)) {
            byId.remove(id, waiting); // the id is free again
        }
        waiting.receive(frame);
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

    /** Requests not answered yet (streams not ended), those that timed out or were cancelled included. */
    int size() {
        return inOrder.size() + byId.size();
    }

    private void failAll() {
        IpcConnectionException cause = closedBy.get();
        Receiver r;
        while ((r = inOrder.poll()) != null) {
            r.fail(cause);
        }
        for (Integer id : byId.keySet()) {
            Receiver g = byId.remove(id);
            if (g != null) {
                g.fail(cause);
            }
        }
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
