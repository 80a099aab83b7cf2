package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedRepliesTest {

    private static final long LATER = 600_000; // never due within a test

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final List<String> events = new ArrayList<>();

    {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Runnable send(String id) {
        return () -> record("sent " + id);
    }

    private java.util.function.Consumer<String> onCancel(String id) {
        return reason -> record("cancelled " + id + " " + reason);
    }

    private synchronized void record(String event) {
        events.add(event);
    }

    private synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Test
    void noDelaySendsAtOnceAndHoldsNothing() {
        DelayedReplies d = new DelayedReplies(scheduler, 1);
        assertThat(d.run(0, "r1", "t", send("r1"), onCancel("r1"))).isTrue();
        assertThat(events()).containsExactly("sent r1");
        assertThat(d.pending()).isZero();
    }

    @Test
    void aCancelAnswersAHeldReplyOnceAndItIsNeverSent() {
        DelayedReplies d = new DelayedReplies(scheduler, 10);
        d.run(LATER, "r1", "t1", send("r1"), onCancel("r1"));
        d.run(LATER, "r2", "t1", send("r2"), onCancel("r2"));
        assertThat(d.cancel("r1", "other-tenant", "x")).isZero();
        assertThat(d.cancel("r1", "t1", "client_cancel")).isEqualTo(1);
        assertThat(d.cancel("r1", null, null)).as("already answered").isZero();
        assertThat(events()).containsExactly("cancelled r1 client_cancel");
        assertThat(d.pending()).isEqualTo(1);
        assertThat(scheduler.getQueue()).as("the cancelled timer is dropped").hasSize(1);
    }

    @Test
    void beyondTheCapNothingIsHeldAndACancelFreesASlot() {
        DelayedReplies d = new DelayedReplies(scheduler, 2);
        assertThat(d.run(LATER, "r1", "t", send("r1"), onCancel("r1"))).isTrue();
        assertThat(d.run(LATER, null, null, send("anon"), onCancel("anon"))).isTrue();
        assertThat(d.run(LATER, "r3", "t", send("r3"), onCancel("r3"))).isFalse();
        assertThat(events()).isEmpty();
        d.cancel("r1", null, null);
        assertThat(d.run(LATER, "r3", "t", send("r3"), onCancel("r3"))).isTrue();
        assertThat(d.pending()).isEqualTo(2);
    }

    @Test
    void aDueReplyIsSentOnceAndCannotBeCancelledAfterwards() {
        DelayedReplies d = new DelayedReplies(scheduler, 10);
        AtomicInteger sent = new AtomicInteger();
        d.run(1, "r1", "t", sent::incrementAndGet, onCancel("r1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.get() == 1);
        assertThat(d.cancel("r1", null, null)).isZero();
        assertThat(d.pending()).isZero();
        assertThat(events()).isEmpty();
    }

    @Test
    void aStoppedSchedulerSendsAtOnce() {
        DelayedReplies d = new DelayedReplies(scheduler, 10);
        scheduler.shutdown();
        d.run(LATER, "r1", "t", send("r1"), onCancel("r1"));
        assertThat(events()).containsExactly("sent r1");
        assertThat(d.pending()).isZero();
    }
}
