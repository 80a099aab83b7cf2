package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadMeterTest {

    @Test
    void countsInflightAndReportsTheP95OfRecentHandlingTimes() {
        AtomicLong nanos = new AtomicLong();
        LoadMeter meter = new LoadMeter(nanos::get);
        assertThat(meter.p95Millis()).isZero();
        for (int i = 1; i <= 100; i++) {
            long t = meter.started();
            assertThat(meter.inflight()).isEqualTo(1);
            nanos.addAndGet(i * 1_000_000L); // i ms
            meter.finished(t);
        }
        assertThat(meter.inflight()).isZero();
        assertThat(meter.p95Millis()).isEqualTo(95);
    }

    @Test
    void theWindowForgetsOldRequests() {
        AtomicLong nanos = new AtomicLong();
        LoadMeter meter = new LoadMeter(nanos::get);
        long slow = meter.started();
        nanos.addAndGet(10_000_000_000L);
        meter.finished(slow);
        assertThat(meter.p95Millis()).isEqualTo(10_000);
        for (int i = 0; i < 2_000; i++) {
            meter.finished(meter.started()); // 0 ns each
        }
        assertThat(meter.p95Millis()).isZero();
    }
}
