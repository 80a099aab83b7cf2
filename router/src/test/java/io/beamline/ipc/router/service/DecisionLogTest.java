package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.ReplyContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionLogTest {

    @Test
    void findsByRequestIdWithinTheTtlAndOnlyForTheSameTenant() {
        AtomicLong now = new AtomicLong(1_000);
        DecisionLog log = new DecisionLog(100, Duration.ofSeconds(60), now::get);
        log.record("r1", "t1", new byte[] {1});
        assertThat(log.find("r1", null).reply()).containsExactly(1);
        assertThat(log.find("r1", null).cancelled()).isFalse();
        assertThat(log.find("r1", "t1")).isNotNull();
        assertThat(log.find("r1", "t2")).isNull();
        now.addAndGet(59_999);
        assertThat(log.find("r1", null)).isNotNull();
        now.addAndGet(1);
        assertThat(log.find("r1", null)).isNull();
    }

    @Test
    void aCancellationIsKeptWithTheSameTtlAndOversizedRepliesAreNotKept() {
        AtomicLong now = new AtomicLong(0);
        DecisionLog log = new DecisionLog(100, Duration.ofSeconds(60), now::get);
        ContractError cancelled = ContractError.cancelled("r1", "client_cancel");
        log.recordCancelled("r1", "t1", new byte[] {2}, cancelled, new ReplyContext("r1", null));
        assertThat(log.find("r1", "t1").cancelled()).isTrue();
        assertThat(log.find("r1", "t1").error()).isEqualTo(cancelled);
        assertThat(log.find("r1", "t2")).isNull();
        now.addAndGet(60_000);
        assertThat(log.find("r1", null)).isNull();
        log.record("big", "t1", new byte[DecisionLog.MAX_REPLY_BYTES + 1]);
        assertThat(log.find("big", null)).isNull();
    }
}
