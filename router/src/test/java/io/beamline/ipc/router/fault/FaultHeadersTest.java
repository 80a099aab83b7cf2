package io.beamline.ipc.router.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultHeadersTest {

    private final FaultHeaders headers = new FaultHeaders(new ObjectMapper());

    @Test
    void noHeadersIsNoFault() {
        assertThat(headers.read(null).isNone()).isTrue();
        assertThat(headers.read(new Headers().put("trace_id", "x")).isNone()).isTrue();
    }

    @Test
    void readsEveryFaultHeader() {
        FaultPlan plan = headers.read(new Headers()
                .put(FaultHeaders.DELAY_MS, "20").put(FaultHeaders.LATE_REPLY_MS, "300")
                .put(FaultHeaders.NO_REPLY, "true").put(FaultHeaders.MALFORMED, "1")
                .put(FaultHeaders.ERROR, "weird_new_code").put(FaultHeaders.ERROR_MESSAGE, "Boom")
                .put(FaultHeaders.ERROR_DETAILS, "{\"a\":1}").put(FaultHeaders.STREAM_ERROR_AFTER, "3"));
        assertThat(plan.replyAfterMs()).isEqualTo(320);
        assertThat(plan.dropsReply()).isTrue();
        assertThat(plan.repliesMalformed()).isTrue();
        assertThat(plan.error().code()).isEqualTo("weird_new_code");
        assertThat(plan.error().message()).isEqualTo("Boom");
        assertThat(plan.error().details()).containsOnlyKeys("a");
        assertThat(plan.streamErrorAfter()).isEqualTo(3);
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        assertThat(headers.read(new Headers().put("X-Fault-Error", "internal")).error().code()).isEqualTo("internal");
    }

    @ParameterizedTest
    @CsvSource({"x-fault-delay-ms,soon", "x-fault-delay-ms,-1", "x-fault-late-reply-ms,600001",
            "x-fault-no-reply,maybe", "x-fault-malformed,2", "x-fault-error,has space",
            "x-fault-error-details,{\"a\":1}", "x-fault-stream-error-after,x"})
    void aBadValueNamesItsHeader(String name, String value) {
        assertThatThrownBy(() -> headers.read(new Headers().put(name, value)))
                .isInstanceOfSatisfying(FaultSpecException.class, e -> assertThat(e.field()).isEqualTo(name));
    }

    @Test
    void errorDetailsMustBeAnObject() {
        assertThatThrownBy(() -> headers.read(new Headers().put(FaultHeaders.ERROR, "internal")
                .put(FaultHeaders.ERROR_DETAILS, "[1]")))
                .isInstanceOfSatisfying(FaultSpecException.class,
                        e -> assertThat(e.field()).isEqualTo(FaultHeaders.ERROR_DETAILS));
    }

    @Test
    void headerFieldsOverridePolicyFieldsOneByOne() {
        FaultPlan policy = new FaultPlan(100L, null, null, ForcedError.of("validator_blocked"), null, 2);
        FaultPlan header = new FaultPlan(null, 50L, null, ForcedError.of("unauthorized"), null, null);
        FaultPlan plan = header.over(policy);
        assertThat(plan.replyAfterMs()).isEqualTo(150);
        assertThat(plan.error().code()).isEqualTo("unauthorized");
        assertThat(plan.streamErrorAfter()).isEqualTo(2);
        assertThat(FaultPlan.NONE.over(policy)).isEqualTo(policy);
    }
}
