package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackpressureTest {

    private static final Backpressure.Thresholds T = Backpressure.Thresholds.DEFAULT;

    @Test
    void twoOfThreeThresholdsExceededIsActiveOneIsWarningNoneIsInactive() {
        assertThat(Backpressure.status(0, 0, 0, T)).isEqualTo("inactive");
        assertThat(Backpressure.status(1000, 5000, 500, T)).as("at the thresholds").isEqualTo("inactive");
        assertThat(Backpressure.status(1001, 0, 0, T)).isEqualTo("warning");
        assertThat(Backpressure.status(0, 5001, 0, T)).isEqualTo("warning");
        assertThat(Backpressure.status(0, 0, 501, T)).isEqualTo("warning");
        assertThat(Backpressure.status(1001, 5001, 0, T)).isEqualTo("active");
        assertThat(Backpressure.status(1001, 0, 501, T)).isEqualTo("active");
        assertThat(Backpressure.status(1001, 5001, 501, T)).isEqualTo("active");
    }
}
