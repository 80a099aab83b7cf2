package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One streamed call: a TASK_SUBMIT with {@code "stream": true} ({@link IpcClient#submitStream}) or a
 * STREAM_SUBSCRIBE ({@link IpcClient#subscribe}). It is
 * <ul>
 *   <li>{@link #answer()}: the RESPONSE_OK that starts the stream (for a submit, the decision; for a
 *       subscribe, {@code {"task_id","from_seq"}}), or its failure ({@link IpcErrorException} for
 *       RESPONSE_ERROR, after which no stream follows; {@link TimeoutException} when it did not come within
 *       the call's timeout);</li>
 *   <li>a {@link Flow.Publisher} of the {@link StreamChunk chunks}, for one subscriber: it gets them in order,
 *       no more than it requested, then {@code onComplete} after STREAM_COMPLETE, or {@code onError} with
 *       {@link IpcStreamException} after STREAM_ERROR (status, counts, error), with the answer's failure, with
 *       {@link StreamBufferOverflowException}, or with {@link IpcConnectionException};</li>
 *   <li>{@link #end()}: the terminal frame, typed.</li>
 * </ul>
 *
 * <p><b>Demand and the bound.</b> The socket carries every request of the connection, so the client never
 * stops reading it for one slow subscriber, and never buffers without bound either: chunks that arrive
 * before the subscriber requested them (or before anyone subscribed) are held, up to
 * {@link IpcClientOptions#streamBufferBytes()} (counted as STREAM_DATA payload bytes; one chunk is always
 * held, however large). One more and the stream is cancelled (TASK_CANCEL), the held chunks are dropped and
 * the subscriber gets {@link StreamBufferOverflowException} at once.
 *
 * <p><b>Signals</b> reach the subscriber one at a time, never concurrently, on a virtual thread of the
 * client (never the reader thread, so a slow subscriber delays no other request). The terminal signal comes
 * after every chunk received before the terminal frame, so it waits for the demand those chunks need;
 * errors of the client's own (overflow, no answer in time, a lost connection, an unreadable frame) come at
 * once and drop what was held.
 *
 * <p><b>Cancelling</b> sends TASK_CANCEL for the task, at most once and only while its terminal frame has not
 * come: on a v2 connection a submit is named by its request id (it can be cancelled before its answer, even
 * when the gateway names its task), otherwise the task by its id (the client gives a v1 submit without a
 * {@code task_id} one of its own, a UUID, so that it too can be cancelled before its answer). Three ways:
 * <ul>
 *   <li>{@link Flow.Subscription#cancel()}: the subscriber gets no further signal;</li>
 *   <li>{@code answer().cancel(…)} before the answer came;</li>
 *   <li>{@link #cancel()}.</li>
 * </ul>
 * The stream then ends as the gateway says (typically STREAM_ERROR {@code cancelled} with the counts so far,
 * or RESPONSE_ERROR {@code cancelled} before the answer): {@link #end()} and a subscriber that did not cancel
 * see that. A subscribe's stream is cancelled the same way, by its task id: that stops the task for every
 * reader. (To stop reading a task without stopping it, close the connection: a subscriber going away does
 * not cancel the stream.)
 *
 * <p><b>On the wire</b> the stream holds its request: on v2 its request id, on v1 its place at the head of
 * the line, so that the answers of later v1 requests wait until its terminal frame, as the gateway sends them.
 * Frames that come after the subscriber cancelled or failed are read and dropped until then.
 */
public final class TaskStream implements Flow.Publisher<StreamChunk> {

    /** What the stream was started by. */
    enum Kind { SUBMIT, SUBSCRIBE }

    private final Kind kind;
    private final long bufferLimit;
    private final Executor signals;
    /** Sends this stream's TASK_CANCEL; called on {@link #signals}, never on the reader thread. */
    private final Consumer<TaskStream> canceller;
    private final CompletableFuture<TaskResponse> answer = new CompletableFuture<>();
    private final CompletableFuture<StreamEnd> end = new CompletableFuture<>();
    private final Inbound inbound = new Inbound();

    /** The v2 request id, or 0 on v1 (and before it was sent). */
    private volatile int requestId;
    private volatile String taskId;
    /** The terminal frame (or RESPONSE_ERROR) came, or the connection ended: nothing to cancel any more. */
    private volatile boolean over;
    private final AtomicBoolean cancelSent = new AtomicBoolean();

    // ---- delivery to the one subscriber ----
    private final AtomicReference<Flow.Subscriber<? super StreamChunk>> subscriber = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    /** An error of the client's own: signalled at once, held chunks dropped. */
    private final AtomicReference<Throwable> abort = new AtomicReference<>();
    private volatile boolean subscriptionCancelled;
    /** The terminal frame came; {@link #finalError} is null for STREAM_COMPLETE. Set after the last chunk is held. */
    private volatile boolean finished;
    private volatile Throwable finalError;
    // only touched inside drain(), which never runs twice at once
    private boolean started;
    private boolean terminated;

    private record Held(StreamChunk chunk, int weight) {
    }

    TaskStream(Kind kind, String taskId, long bufferLimit, Executor signals, Consumer<TaskStream> canceller) {
        this.kind = kind;
        this.taskId = taskId;
        this.bufferLimit = bufferLimit;
        this.signals = signals;
        this.canceller = canceller;
    }

    /**
     * The RESPONSE_OK that starts the stream: the decision of a submit, {@code {"task_id","from_seq"}} of a
     * subscribe. Completed on the client's reader thread (see {@link IpcClient} on callbacks). Cancelling it
     * before it completed cancels the stream.
     */
    public CompletableFuture<TaskResponse> answer() {
        return answer;
    }

    /**
     * The terminal frame: completes with the {@link StreamEnd} of STREAM_COMPLETE, or fails with
     * {@link IpcStreamException} (STREAM_ERROR), {@link IpcErrorException} (RESPONSE_ERROR: no stream came),
     * or the client's own reason the stream ended at once (as the subscriber's {@code onError}). It completes
     * when that frame is read, before the subscriber's terminal signal, so {@code end().join()} in
     * {@code onComplete} or {@code onError} does not wait. After a cancel it still tells how the gateway
     * ended the stream.
     */
    public CompletableFuture<StreamEnd> end() {
        return end;
    }

    /** The task: as the call named it, else as the answer named it once it came. */
    public Optional<String> taskId() {
        return Optional.ofNullable(taskId);
    }

    /**
     * Sends TASK_CANCEL for this stream unless its terminal frame came or a cancel was sent already (see the
     * class comment). Does not wait: the frame is sent from another thread.
     *
     * @return true when this call sent it
     */
    public boolean cancel() {
        if (over || !cancelSent.compareAndSet(false, true)) {
            return false;
        }
        signals.execute(() -> canceller.accept(this));
        return true;
    }

    /**
     * Subscribes the one subscriber of this stream; a second gets {@code onError} with
     * {@link IllegalStateException}. Subscribing late loses nothing that was held (see the bound).
     */
    @Override
    public void subscribe(Flow.Subscriber<? super StreamChunk> s) {
        Objects.requireNonNull(s, "subscriber");
        if (!subscriber.compareAndSet(null, s)) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            s.onError(new IllegalStateException("this TaskStream already has a subscriber; a stream is read once"));
            return;
        }
        schedule();
    }

    @Override
    public String toString() {
        return "TaskStream[" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", task_id=" + taskId
                + (requestId != 0 ? ", request_id=" + Integer.toUnsignedString(requestId) : "")
                + (over ? ", ended" : "") + "]";
    }

    // ---- for IpcClient ----

    Kind kind() {
        return kind;
    }

    int requestId() {
        return requestId;
    }

    Receiver receiver() {
        return inbound;
    }

    /** After it was handed to the connection: the answer must come within {@code timeout}. */
    void awaitAnswerWithin(Duration timeout) {
        answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        answer.whenComplete((ok, e) -> {
            if (e instanceof TimeoutException t) {
                abort(t, true);
            } else if (e instanceof CancellationException) {
                cancel(); // the caller gave up before the answer: the stream ends as the gateway says
            }
        });
    }

    // ---- what arrives (reader thread) ----

    /** The frames of this request, in order. */
    private final class Inbound implements Receiver {

        private boolean answered;
        private long lastSeq;

        @Override
        public void sentAs(int id) {
            requestId = id;
        }

        @Override
        public boolean isLast(Frame frame) {
            MessageType type = frame.type();
            if (!answered) {
                if (type == MessageType.RESPONSE_OK) {
                    return false; // the stream follows
                }
                if (type == MessageType.RESPONSE_ERROR) {
                    return true; // no stream follows
                }
                throw new IpcProtocolException("the gateway sent " + frame + " before the answer to the "
                        + (kind == Kind.SUBMIT ? "streamed TASK_SUBMIT" : "STREAM_SUBSCRIBE"));
            }
            return switch (type) {
                case STREAM_DATA -> false;
                case STREAM_COMPLETE, STREAM_ERROR -> true;
                case null, default -> throw new IpcProtocolException("the gateway sent " + frame
                        + " in the middle of a stream (task " + taskId + ")");
            };
        }

        @Override
        public void receive(Frame frame) {
            switch (frame.type()) {
                case RESPONSE_OK -> {
                    answered = true;
                    onAnswer(frame);
                }
                case RESPONSE_ERROR -> {
                    RuntimeException e = errorOf(frame);
                    over = true;
                    answer.completeExceptionally(e);
                    endWith(null, e);
                }
                case STREAM_DATA -> onChunk(frame);
                default -> { // STREAM_COMPLETE, STREAM_ERROR: isLast let nothing else through
                    over = true;
                    onEnd(frame);
                }
            }
        }

        @Override
        public void fail(Throwable cause) {
            over = true;
            answer.completeExceptionally(cause);
            abort(cause, false);
        }

        private void onAnswer(Frame frame) {
            TaskResponse response;
            try {
                response = Answers.task(frame);
            } catch (IpcProtocolException e) {
                answer.completeExceptionally(e);
                abort(e, true);
                return;
            }
            if (taskId == null) {
                taskId = response.taskId().orElse(null);
            }
            answer.complete(response); // false when it timed out or was cancelled: the stream is being dropped
        }

        private void onChunk(Frame frame) {
            if (abort.get() != null || subscriptionCancelled) {
                return; // dropped until the terminal frame
            }
            StreamChunk chunk;
            try {
                chunk = Answers.chunk(frame);
                if (chunk.seq() <= lastSeq) {
                    throw new IpcProtocolException("STREAM_DATA seq " + chunk.seq() + " after seq " + lastSeq
                            + " (task " + taskId + ")");
                }
            } catch (IpcProtocolException e) {
                abort(e, true);
                return;
            }
            lastSeq = chunk.seq();
            hold(chunk, frame.payload().length);
        }

        private void onEnd(Frame frame) {
            StreamEnd parsed;
            try {
                parsed = Answers.end(frame);
            } catch (IpcProtocolException e) {
                endWith(null, e);
                return;
            }
            endWith(parsed, parsed.ok() ? null : new IpcStreamException(parsed));
        }

        private RuntimeException errorOf(Frame frame) {
            try {
                return Answers.error(frame);
            } catch (IpcProtocolException e) {
                return e;
            }
        }
    }

    private void hold(StreamChunk chunk, int weight) {
        long now = heldBytes.addAndGet(weight);
        if (now > bufferLimit && now != weight) {
            heldBytes.addAndGet(-weight);
            abort(new StreamBufferOverflowException(taskId, bufferLimit, delivered.get()), true);
            return;
        }
        held.add(new Held(chunk, weight));
        schedule();
    }

    /** The terminal frame: {@code end} completes now, the subscriber hears it after the held chunks. */
    private void endWith(StreamEnd parsed, Throwable error) {
        if (error == null) {
            end.complete(parsed);
        } else {
            end.completeExceptionally(error);
        }
        finalError = error;
        finished = true;
        schedule();
    }

    /** An error of the client's own: the stream ends for the application now; TASK_CANCEL when asked. */
    private void abort(Throwable cause, boolean sendCancel) {
        if (!abort.compareAndSet(null, cause)) {
            return;
        }
        end.completeExceptionally(cause);
        if (sendCancel) {
            cancel();
        }
        schedule();
    }

    // ---- delivery (one drain at a time, on the signals executor) ----

    private void schedule() {
        if (wip.getAndIncrement() == 0) {
            signals.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        do {
            Flow.Subscriber<? super StreamChunk> s = subscriber.get();
            if (s != null && !terminated) {
                if (!started) {
                    started = true;
                    try {
                        s.onSubscribe(new Subscription());
                    } catch (Throwable t) {
                        subscriberFailed();
                    }
                }
                if (!terminated) {
                    drainTo(s);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainTo(Flow.Subscriber<? super StreamChunk> s) {
        while (true) {
            if (subscriptionCancelled) {
                terminated = true;
                dropHeld();
                return;
            }
            Throwable failed = abort.get();
            if (failed != null) {
                terminated = true;
                dropHeld();
                signalQuietly(() -> s.onError(failed));
                return;
            }
            if (demand.get() == 0) {
                break;
            }
            Held h = held.poll();
            if (h == null) {
                break;
            }
            heldBytes.addAndGet(-h.weight());
            if (demand.get() != Long.MAX_VALUE) {
                demand.decrementAndGet();
            }
            delivered.incrementAndGet();
            try {
                s.onNext(h.chunk());
            } catch (Throwable t) {
                subscriberFailed(); // §2.13: the subscription is cancelled
                return;
            }
        }
        // finished is read first: it is set after the last chunk was held, so an empty line then means all delivered
        if (finished && held.isEmpty()) {
            terminated = true;
            Throwable e = finalError;
            signalQuietly(e == null ? s::onComplete : () -> s.onError(e));
        }
    }

    private void subscriberFailed() {
        terminated = true;
        subscriptionCancelled = true;
        dropHeld();
        cancel();
    }

    private void dropHeld() {
        Held h;
        while ((h = held.poll()) != null) {
            heldBytes.addAndGet(-h.weight());
        }
    }

    /** A terminal signal that throws breaks §2.13; there is nobody left to tell. */
    private static void signalQuietly(Runnable signal) {
        try {
            signal.run();
        } catch (RuntimeException ignored) {
            // the subscriber is done either way
        }
    }

    private final class Subscription implements Flow.Subscription {

        @Override
        public void request(long n) {
            if (n <= 0) {
                abort(new IllegalArgumentException("Subscription.request(" + n + "): n must be positive (§3.9)"), true);
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            schedule();
        }

        @Override
        public void cancel() {
            if (!subscriptionCancelled) {
                subscriptionCancelled = true;
                TaskStream.this.cancel();
                schedule(); // drops what is held
            }
        }
    }
}
