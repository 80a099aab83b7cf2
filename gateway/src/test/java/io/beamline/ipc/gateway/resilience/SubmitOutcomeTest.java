package io.beamline.ipc.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.beamline.ipc.gateway.resilience.SubmitOutcome.Kind;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.ErrorBody;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What the breaker counts for and against the Router, by the error the client was given. */
class SubmitOutcomeTest {

    @Test
    void aDecisionShowsTheRouterWorking() {
        assertThat(SubmitOutcome.of(TaskOutcome.decided("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 7))
                .isEqualTo(new SubmitOutcome(Kind.ROUTER_ANSWERED, 7));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
            // code, status, reason, kind
            "4,  400, invalid_request,       ROUTER_ANSWERED",
            "11, 404, policy_not_found,      ROUTER_ANSWERED",
            "9,  429, rate_limit_exceeded,   ROUTER_ANSWERED",
            "14, 500, internal,              ROUTER_FAILED",
            "7,  503, extension_unavailable, ROUTER_FAILED",
            "15, 502, bad_router_reply,      ROUTER_FAILED",
            "5,  504, timeout,               ROUTER_FAILED",
            "7,  503, no_responders,         TRANSPORT_FAILED",
            "7,  503, nats_disconnected,     TRANSPORT_FAILED",
            "7,  503, nats_unavailable,      TRANSPORT_FAILED",
            "7,  503, shutting_down,         IGNORED",
            "10, 499, cancelled,             IGNORED"})
    void anErrorCountsByItsStatusAndReason(int code, int status, String reason, Kind kind) {
        ErrorBody error = new ErrorBody(code, status, reason, "why", false, null, null);
        assertThat(SubmitOutcome.of(TaskOutcome.failed(error), 1).kind()).isEqualTo(kind);
    }
}
