package io.beamline.ipc.router.service;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a reply now, or later on a scheduler (delay and late-reply faults) so that the NATS dispatcher is
 * never held by a delay. If the scheduler was already shut down the reply is sent at once: a stopping
 * Router still answers what it received.
 */
final class DelayedReplies {

    private final ScheduledExecutorService scheduler;

    DelayedReplies(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    void run(long afterMs, Runnable send) {
        if (afterMs <= 0) {
            send.run();
            return;
        }
        try {
            scheduler.schedule(send, afterMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            send.run();
        }
    }
}
