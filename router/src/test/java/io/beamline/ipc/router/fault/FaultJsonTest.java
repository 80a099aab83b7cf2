package io.beamline.ipc.router.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.router.policy.Policy;
import io.beamline.ipc.router.policy.PolicyException;
import io.beamline.ipc.router.policy.PolicyKey;
import io.beamline.ipc.router.policy.PolicyParser;
import io.beamline.ipc.router.stream.StreamSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy file's "faults" and "stream" objects. */
class FaultJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Policy policy(String extra) throws Exception {
        return PolicyParser.parse(new PolicyKey("t", "p"),
                JSON.readTree("{\"providers\":[{\"name\":\"a\",\"weight\":1}]" + extra + "}"), "t/p.json");
    }

    @Test
    void aPolicyWithoutFaultsHasNone() throws Exception {
        assertThat(policy("").faults()).isEqualTo(FaultPlan.NONE);
    }

    @Test
    void readsEveryFault() throws Exception {
        FaultPlan plan = policy(",\"faults\":{\"delay_ms\":5,\"late_reply_ms\":7,\"no_reply\":false,"
                + "\"error\":{\"code\":\"extension_timeout\",\"message\":\"Timed out\",\"details\":{\"ext\":\"x\"}},"
                + "\"malformed\":true,\"stream_error_after\":0,\"stream_skip_seq\":2,\"stream_stall_after\":0}")
                .faults();
        assertThat(plan.replyAfterMs()).isEqualTo(12);
        assertThat(plan.dropsReply()).isFalse();
        assertThat(plan.repliesMalformed()).isTrue();
        assertThat(plan.error()).isEqualTo(new ForcedError("extension_timeout", "Timed out",
                java.util.Map.of("ext", JSON.getNodeFactory().textNode("x"))));
        assertThat(plan.streamErrorAfter()).isZero();
        assertThat(plan.streamSkipSeq()).isEqualTo(2);
        assertThat(plan.streamStallAfter()).isZero();
    }

    @Test
    void anErrorMayBeJustItsCode() throws Exception {
        assertThat(policy(",\"faults\":{\"error\":\"weird_new_code\"}").faults().error())
                .isEqualTo(ForcedError.of("weird_new_code"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"dely_ms\":5}", "{\"delay_ms\":\"5\"}", "{\"delay_ms\":-1}", "{\"no_reply\":1}",
            "{\"error\":7}", "{\"error\":{\"message\":\"m\"}}", "[]", "{\"stream_error_after\":1.5}",
            "{\"stream_error_after\":-10000000000}", "{\"stream_skip_seq\":0}", "{\"stream_skip_seq\":100002}",
            "{\"stream_skip_seq\":\"2\"}", "{\"stream_skip_seq\":99999999999}", "{\"stream_stall_after\":-1}",
            "{\"stream_stall_after\":100001}", "{\"stream_stall_after\":true}", "{\"stream_stal_after\":1}"})
    void aBadFaultsObjectStopsTheStartNamingTheFile(String faults) {
        assertThatThrownBy(() -> policy(",\"faults\":" + faults))
                .isInstanceOf(PolicyException.class).hasMessageContaining("t/p.json").hasMessageContaining("faults");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream_skip_seq\":0", "stream_stall_after\":-1", "stream_error_after\":100001"})
    void aBadStreamFaultNamesItsKey(String entry) {
        String key = entry.substring(0, entry.indexOf('"'));
        assertThatThrownBy(() -> policy(",\"faults\":{\"" + entry + "}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("t/p.json: faults." + key + ": must be ");
    }

    @Test
    void streamSettingsOverrideTheRoutersFieldByField() throws Exception {
        StreamSettings settings = policy(",\"stream\":{\"chunks\":2,\"interval_ms\":0}").stream()
                .over(new StreamSettings(9, 33, 10));
        assertThat(settings).isEqualTo(new StreamSettings(2, 33, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"chunk\":2}", "{\"chunks\":-1}", "{\"chunk_bytes\":0}", "{\"interval_ms\":60001}",
            "7"})
    void aBadStreamObjectStopsTheStart(String stream) {
        assertThatThrownBy(() -> policy(",\"stream\":" + stream))
                .isInstanceOf(PolicyException.class).hasMessageContaining("stream");
    }
}
