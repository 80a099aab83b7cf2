package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(log.find("r1", "t1")).isNotNull();
        assertThat(log.find("r1", "t2")).isNull();
        now.addAndGet(59_999);
        assertThat(log.find("r1", null)).isNotNull();
        now.addAndGet(1);
        assertThat(log.find("r1", null)).isNull();
    }

    @Test
    void forgetRemovesOnceAndOversizedRepliesAreNotKept() {
        AtomicLong now = new AtomicLong(0);
        DecisionLog log = new DecisionLog(100, Duration.ofSeconds(60), now::get);
        log.record("r1", "t1", new byte[] {1});
        assertThat(log.forget("r1", "t2")).isFalse();
        assertThat(log.forget("r1", "t1")).isTrue();
        assertThat(log.forget("r1", "t1")).isFalse();
        log.record("big", "t1", new byte[DecisionLog.MAX_REPLY_BYTES + 1]);
        assertThat(log.find("big", null)).isNull();
    }
}
