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
                .put(FaultHeaders.ERROR_DETAILS, "{\"a\":1}").put(FaultHeaders.STREAM_ERROR_AFTER, "3")
                .put(FaultHeaders.STREAM_SKIP_SEQ, "4").put(FaultHeaders.STREAM_STALL_AFTER, "0"));
        assertThat(plan.replyAfterMs()).isEqualTo(320);
        assertThat(plan.dropsReply()).isTrue();
        assertThat(plan.repliesMalformed()).isTrue();
        assertThat(plan.error().code()).isEqualTo("weird_new_code");
        assertThat(plan.error().message()).isEqualTo("Boom");
        assertThat(plan.error().details()).containsOnlyKeys("a");
        assertThat(plan.streamErrorAfter()).isEqualTo(3);
        assertThat(plan.streamSkipSeq()).isEqualTo(4);
        assertThat(plan.streamStallAfter()).isZero();
    }

    @Test
    void streamFaultBoundsAreAccepted() {
        FaultPlan plan = headers.read(new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "1")
                .put(FaultHeaders.STREAM_STALL_AFTER, "100000"));
        assertThat(plan.streamSkipSeq()).isEqualTo(1);
        assertThat(plan.streamStallAfter()).isEqualTo(100_000);
        assertThat(headers.read(new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "100001")).streamSkipSeq())
                .isEqualTo(100_001);
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        assertThat(headers.read(new Headers().put("X-Fault-Error", "internal")).error().code()).isEqualTo("internal");
    }

    @ParameterizedTest
    @CsvSource({"x-fault-delay-ms,soon", "x-fault-delay-ms,-1", "x-fault-late-reply-ms,600001",
            "x-fault-no-reply,maybe", "x-fault-malformed,2", "x-fault-error,has space",
            "x-fault-error-details,{\"a\":1}", "x-fault-stream-error-after,x",
            "x-fault-stream-skip-seq,0", "x-fault-stream-skip-seq,-1", "x-fault-stream-skip-seq,100002",
            "x-fault-stream-skip-seq,two", "x-fault-stream-stall-after,-1", "x-fault-stream-stall-after,100001",
            "x-fault-stream-stall-after,1.5"})
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
        FaultPlan policy = new FaultPlan(100L, null, null, ForcedError.of("validator_blocked"), null, 2, 3, 4);
        FaultPlan header = new FaultPlan(null, 50L, null, ForcedError.of("unauthorized"), null, null, 7, null);
        FaultPlan plan = header.over(policy);
        assertThat(plan.replyAfterMs()).isEqualTo(150);
        assertThat(plan.error().code()).isEqualTo("unauthorized");
        assertThat(plan.streamErrorAfter()).isEqualTo(2);
        assertThat(plan.streamSkipSeq()).isEqualTo(7);
        assertThat(plan.streamStallAfter()).isEqualTo(4);
        FaultPlan stallOnly = new FaultPlan(null, null, null, null, null, null, null, 0);
        assertThat(stallOnly.over(policy).streamStallAfter()).isZero();
        assertThat(stallOnly.over(policy).streamSkipSeq()).isEqualTo(3);
        assertThat(FaultPlan.NONE.over(policy)).isEqualTo(policy);
    }
}
