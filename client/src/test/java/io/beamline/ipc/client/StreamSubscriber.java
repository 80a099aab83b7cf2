package io.beamline.ipc.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Test helper: records what a {@link TaskStream} signals, and requests only what the test says. */
final class StreamSubscriber implements Flow.Subscriber<StreamChunk> {

    final List<StreamChunk> chunks = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicBoolean completed = new AtomicBoolean();
    /** Signals that came at once (§1.3 says never). */
    final AtomicInteger overlapping = new AtomicInteger();
    /** Signals after a terminal one (§1.7 says never). */
    final AtomicInteger afterTerminal = new AtomicInteger();
    private final AtomicInteger inSignal = new AtomicInteger();
    private final long initialRequest;
    private volatile Flow.Subscription subscription;

    /** @param initialRequest requested in onSubscribe; 0 for none */
    StreamSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    static StreamSubscriber unbounded() {
        return new StreamSubscriber(Long.MAX_VALUE);
    }

    void request(long n) {
        subscription.request(n);
    }

    void cancel() {
        subscription.cancel();
    }

    boolean subscribed() {
        return subscription != null;
    }

    boolean terminated() {
        return completed.get() || error.get() != null;
    }

    List<String> texts() {
        return chunks.stream().map(c -> c.text().orElse("<bytes>")).toList();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        enter();
        subscription = s;
        if (initialRequest > 0) {
            s.request(initialRequest);
        }
        leave();
    }

    @Override
    public void onNext(StreamChunk item) {
        enter();
        chunks.add(item);
        leave();
    }

    @Override
    public void onError(Throwable t) {
        enter();
        error.set(t);
        leave();
    }

    @Override
    public void onComplete() {
        enter();
        completed.set(true);
        leave();
    }

    private void enter() {
        if (terminated()) {
            afterTerminal.incrementAndGet();
        }
        if (inSignal.incrementAndGet() != 1) {
            overlapping.incrementAndGet();
        }
        threads.add(Thread.currentThread().getName());
    }

    private void leave() {
        inSignal.decrementAndGet();
    }
}
