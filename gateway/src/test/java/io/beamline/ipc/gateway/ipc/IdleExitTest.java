package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The idle exit decided on a clock the test moves: no waiting, no timing. */
class IdleExitTest {

    private static final long MS = 1_000_000;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger exits = new AtomicInteger();
    private final IdleExit idleExit = new IdleExit(Duration.ofSeconds(5), now::get, accepted::get, busy::get,
            exits::incrementAndGet);

    @Test
    void exitsOnceAfterTheIdleTimeWithNothingOpen() {
        now.addAndGet(4_999 * MS);
        assertThat(idleExit.check()).as("4.999 s").isFalse();
        now.addAndGet(MS);
        assertThat(idleExit.check()).as("5 s").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> exits.get() == 1);
        now.addAndGet(60_000 * MS);
        assertThat(idleExit.check()).as("only once").isFalse();
        assertThat(exits.get()).isEqualTo(1);
    }

    @Test
    void anOpenConnectionOrWorkInFlightRestartsTheIdleTime() {
        now.addAndGet(4_000 * MS);
        busy.set(true);
        assertThat(idleExit.check()).isFalse();
        now.addAndGet(60_000 * MS);
        assertThat(idleExit.check()).as("busy all along").isFalse();
        busy.set(false);
        now.addAndGet(4_000 * MS);
        assertThat(idleExit.check()).as("4 s since the last busy look").isFalse();
        now.addAndGet(1_000 * MS);
        assertThat(idleExit.check()).isTrue();
    }

    @Test
    void aConnectionThatCameAndWentBetweenTwoLooksCounts() {
        now.addAndGet(4_000 * MS);
        accepted.incrementAndGet(); // accepted and closed again, never seen open
        now.addAndGet(2_000 * MS);
        assertThat(idleExit.check()).as("6 s since start, but a connection was there since the last look").isFalse();
        now.addAndGet(4_999 * MS);
        assertThat(idleExit.check()).isFalse();
        now.addAndGet(MS);
        assertThat(idleExit.check()).isTrue();
        assertThat(exits).hasValueLessThanOrEqualTo(1);
    }

    @Test
    void looksAFewTimesPerIdleTime() {
        assertThat(IdleExit.checkInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(100));
        assertThat(IdleExit.checkInterval(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(IdleExit.checkInterval(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(50));
    }
}
