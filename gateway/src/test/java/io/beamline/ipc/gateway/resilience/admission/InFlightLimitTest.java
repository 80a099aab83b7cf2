package io.beamline.ipc.gateway.resilience.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.AdmissionConfig;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    @Test
    void beyondTheCapASubmitGetsAFast503WithARetryHintAndEndedSubmitsFreeTheirSlots() {
        InFlightLimit limit = new InFlightLimit(new AdmissionConfig(3, Duration.ofMillis(150)));
        for (int i = 0; i < 3; i++) {
            assertThat(limit.admit("t", Caller.UNKNOWN)).isEmpty();
        }
        ErrorBody refused = limit.admit("t", Caller.UNKNOWN).orElseThrow();
        assertThat(refused.code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("gateway_overloaded");
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.retryAfterMs()).isEqualTo(150L);
        assertThat(limit.inFlight()).as("a refusal holds no slot").isEqualTo(3);
        assertThat(limit.refused()).isEqualTo(1);

        limit.ended(new SubmitOutcome(SubmitOutcome.Kind.ROUTER_FAILED, 1));
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.admit("t", Caller.UNKNOWN)).isEmpty();
        limit.ended(SubmitOutcome.NOT_SENT);
        limit.ended(new SubmitOutcome(SubmitOutcome.Kind.IGNORED, 1));
        limit.ended(new SubmitOutcome(SubmitOutcome.Kind.ROUTER_ANSWERED, 1));
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void aReloadedCapAndRetryHintApplyToTheNextSubmitAndLetThoseInFlightEnd() {
        java.util.concurrent.atomic.AtomicReference<AdmissionConfig> live =
                new java.util.concurrent.atomic.AtomicReference<>(new AdmissionConfig(3, Duration.ofMillis(150)));
        InFlightLimit limit = new InFlightLimit(live::get);
        for (int i = 0; i < 3; i++) {
            assertThat(limit.admit("t", Caller.UNKNOWN)).isEmpty();
        }

        live.set(new AdmissionConfig(1, Duration.ofMillis(70))); // a reload

        assertThat(limit.max()).isEqualTo(1);
        assertThat(limit.admit("t", Caller.UNKNOWN).orElseThrow().retryAfterMs()).isEqualTo(70L);
        limit.ended(SubmitOutcome.NOT_SENT);
        limit.ended(SubmitOutcome.NOT_SENT);
        assertThat(limit.admit("t", Caller.UNKNOWN)).as("2 in flight, cap 1").isPresent();
        limit.ended(SubmitOutcome.NOT_SENT);
        assertThat(limit.admit("t", Caller.UNKNOWN)).isEmpty();
    }
}
