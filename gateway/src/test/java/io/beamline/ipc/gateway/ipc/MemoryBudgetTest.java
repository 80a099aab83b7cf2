package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The gateway-wide budget as the connections' read gates see it: who is read past the budget, who waits, and
 * that partial frames filling the budget still finish one after the other.
 */
class MemoryBudgetTest {

    private final MemoryBudget budget = new MemoryBudget(1000, 750);

    private ReadGate gateOf(EmbeddedChannel ch) {
        ReadGate gate = new ReadGate(ch, 256, budget);
        gate.update(0);
        return gate;
    }

    private static boolean read(EmbeddedChannel ch) {
        ch.runPendingTasks(); // a budget that frees up re-decides on the channel's loop
        return ch.config().isAutoRead();
    }

    @Test
    void pastTheBudgetConnectionsHoldingBytesWaitAndResumeBelowThreeQuarters() {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        EmbeddedChannel idle = new EmbeddedChannel();
        ReadGate gateA = gateOf(a);
        ReadGate gateB = gateOf(b);
        ReadGate gateIdle = gateOf(idle);

        gateA.queued(600); // answers a does not read
        gateB.queued(300);
        assertThat(budget.exhausted()).isFalse();
        assertThat(read(a)).isTrue();

        gateB.queued(200); // 1100 > 1000
        assertThat(budget.exhausted()).isTrue();
        assertThat(budget.total()).isEqualTo(1100);
        assertThat(read(b)).as("b adds to the total").isFalse();
        gateA.update(0);
        assertThat(read(a)).as("so does a").isFalse();
        gateIdle.update(0);
        assertThat(read(idle)).as("a connection holding nothing is still read").isTrue();

        gateA.queued(-300); // 800: below the budget, not yet at the resume mark
        assertThat(budget.exhausted()).isTrue();
        assertThat(read(b)).isFalse();

        gateA.queued(-100); // 700 <= 750
        assertThat(budget.exhausted()).isFalse();
        assertThat(read(a)).isTrue();
        assertThat(read(b)).as("woken when the total drained").isTrue();
    }

    @Test
    void partialFramesFillingTheBudgetFinishOneAtATime() {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        EmbeddedChannel c = new EmbeddedChannel();
        ReadGate gateA = gateOf(a);
        ReadGate gateB = gateOf(b);
        ReadGate gateC = gateOf(c);

        gateA.partialFrame(400);
        gateB.partialFrame(400);
        gateC.partialFrame(400); // 1200: over, and only reading on can complete any of them
        assertThat(budget.exhausted()).isTrue();
        gateA.update(0);
        gateB.update(0);
        int reading = (read(a) ? 1 : 0) + (read(b) ? 1 : 0) + (read(c) ? 1 : 0);
        assertThat(reading).as("exactly one may finish its frame").isEqualTo(1);

        ReadGate finishing = read(a) ? gateA : read(b) ? gateB : gateC;
        finishing.partialFrame(900);
        finishing.partialFrame(0); // complete: 800 left, still over (above 750)
        assertThat(budget.exhausted()).isTrue();
        int readingNow = (read(a) ? 1 : 0) + (read(b) ? 1 : 0) + (read(c) ? 1 : 0);
        assertThat(readingNow).as("the turn passed on; the finished one holds nothing and is read")
                .isEqualTo(2);
    }

    @Test
    void aClosedConnectionGivesItsBytesAndItsTurnBack() {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        ReadGate gateA = gateOf(a);
        ReadGate gateB = gateOf(b);
        gateA.partialFrame(700);
        gateB.partialFrame(400);
        gateA.update(0);
        gateB.update(0);
        boolean aFinishing = read(a);
        assertThat(aFinishing).isNotEqualTo(read(b));

        (aFinishing ? a : b).close();
        (aFinishing ? gateA : gateB).closed();
        assertThat(budget.total()).isEqualTo(aFinishing ? 400 : 700);
        assertThat(budget.exhausted()).isFalse();
        assertThat(read(aFinishing ? b : a)).isTrue();
    }
}
