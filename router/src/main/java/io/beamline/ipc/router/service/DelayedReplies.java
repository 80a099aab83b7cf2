package io.beamline.ipc.router.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Replies held by delay and late-reply faults: sent later on a scheduler, so that the NATS dispatcher is
 * never held by a delay, or answered at once as cancelled by {@code beamline.router.v1.cancel}. Whichever
 * comes first claims the reply, so a request never gets two. At most {@code max} replies wait at once: a
 * fault must not grow memory without bound. If the scheduler was already shut down the reply is sent at
 * once: a stopping Router still answers what it received.
 */
final class DelayedReplies {

    /** One held reply; {@code send} or {@code onCancel} runs, never both, at most once. */
    private final class Held implements Runnable {
        private final String requestId;
        private final String tenantId;
        private final Runnable send;
        private final Consumer<String> onCancel;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        Held(String requestId, String tenantId, Runnable send, Consumer<String> onCancel) {
            this.requestId = requestId;
            this.tenantId = tenantId;
            this.send = send;
            this.onCancel = onCancel;
        }

        @Override
        public void run() {
            if (claim()) {
                send.run();
            }
        }

        boolean claim() {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            release(this);
            return true;
        }
    }

    private final ScheduledExecutorService scheduler;
    private final int max;
    // Guarded by this; only requests that could be named by a cancel are indexed (requestId not null).
    private final Map<String, List<Held>> byRequestId = new HashMap<>();
    private int pending;

    DelayedReplies(ScheduledExecutorService scheduler, int max) {
        this.scheduler = scheduler;
        this.max = max;
    }

    int max() {
        return max;
    }

    synchronized int pending() {
        return pending;
    }

    /**
     * Sends now when {@code afterMs} is not positive, else holds the reply until it is due or cancelled.
     *
     * @param requestId null when no cancel can name the request (it had no usable request_id)
     * @param onCancel  answers the request as cancelled; gets the cancel's reason (or null)
     * @return false, without running anything, when {@code max} replies are already waiting
     */
    boolean run(long afterMs, String requestId, String tenantId, Runnable send, Consumer<String> onCancel) {
        if (afterMs <= 0) {
            send.run();
            return true;
        }
        Held held = new Held(requestId, tenantId, send, onCancel);
        if (!hold(held)) {
            return false;
        }
        try {
            held.timer = scheduler.schedule(held, afterMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            held.run();
        }
        return true;
    }

    /**
     * Answers every waiting reply of that request_id (and tenant, when given) as cancelled instead.
     *
     * @return how many were cancelled; 0 when none was waiting (already sent, unknown, or another Router's)
     */
    int cancel(String requestId, String tenantId, String reason) {
        List<Held> candidates;
        synchronized (this) {
            List<Held> list = byRequestId.get(requestId);
            candidates = list == null ? List.of() : List.copyOf(list);
        }
        int cancelled = 0;
        for (Held held : candidates) {
            if ((tenantId == null || tenantId.equals(held.tenantId)) && held.claim()) {
                ScheduledFuture<?> timer = held.timer;
                if (timer != null) {
                    timer.cancel(false); // the scheduler drops it (remove-on-cancel)
                }
                held.onCancel.accept(reason);
                cancelled++;
            }
        }
        return cancelled;
    }

    private synchronized boolean hold(Held held) {
        if (pending >= max) {
            return false;
        }
        pending++;
        if (held.requestId != null) {
            byRequestId.computeIfAbsent(held.requestId, k -> new ArrayList<>(1)).add(held);
        }
        return true;
    }

    private synchronized void release(Held held) {
        pending--;
        if (held.requestId != null) {
            List<Held> list = byRequestId.get(held.requestId);
            if (list != null && list.remove(held) && list.isEmpty()) {
                byRequestId.remove(held.requestId);
            }
        }
    }
}
