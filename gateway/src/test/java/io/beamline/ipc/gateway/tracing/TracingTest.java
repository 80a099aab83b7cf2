package io.beamline.ipc.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.RequestTracer;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When tracing is on: only with an OTLP endpoint, as docs/operations/tracing.md says. */
class TracingTest {

    @Test
    void offWithoutAnEndpointAndTheOffTracerDoesNothing() {
        RequestTracer off = Tracing.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "x", "OTEL_BSP_SCHEDULE_DELAY", "100"));
        assertThat(off).isSameAs(RequestTracer.OFF);
        Frame submit = Frame.of(MessageType.TASK_SUBMIT, "{\"task_type\":\"t\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8));
        RequestSpan span = off.start(submit, new Caller(1, 2, 3));
        assertThat(span).isSameAs(RequestSpan.NONE);
        assertThat(span.traceparent()).isNull();
        assertThat(span.routerCall("beamline.router.v1.decide", 10)).isSameAs(RequestSpan.RouterCall.NONE);
        assertThat(RequestSpan.RouterCall.NONE.traceparent()).isNull();
    }

    @Test
    void onWithEitherEndpointUnlessTheSdkIsDisabled() {
        assertThat(Tracing.enabled(Map.of())).isFalse();
        assertThat(Tracing.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "  "))).isFalse();
        assertThat(Tracing.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))).isTrue();
        assertThat(Tracing.enabled(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces")))
                .isTrue();
        assertThat(Tracing.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                "OTEL_SDK_DISABLED", "TRUE"))).isFalse();
        assertThat(Tracing.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                "OTEL_SDK_DISABLED", "false"))).isTrue();
        assertThat(Tracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:4318/v1/traces"))).isEqualTo("http://b:4318/v1/traces");
    }
}
