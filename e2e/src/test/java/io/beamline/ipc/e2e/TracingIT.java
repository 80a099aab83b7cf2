package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.StreamEnd;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.e2e.OtlpReceiver.Received;
import io.beamline.ipc.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry tracing end to end (docs/operations/tracing.md): a real gateway process with the reference
 * Router on a private nats-server, exporting over OTLP http/protobuf to a receiver in this JVM. On, a submit's
 * SERVER span continues the client's trace under the client's span, the Router call's CLIENT span is its child,
 * and the Router gets the CLIENT span's id as its parent. Off (no endpoint), nothing of OpenTelemetry even loads
 * and the Router's traceparent is as it always was.
 */
class TracingIT {

    private static final String DECIDE = "beamline.router.v1.decide";
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE + "-" + CLIENT_SPAN + "-01";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Room for a first request on a busy machine (the CI's 2 cores are shared). */
    private static final IpcClientOptions CLIENT = IpcClientOptions.defaults().withConnectTimeout(WAIT);

    private static ObjectNode submit(String taskId) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate").put("task_id", taskId)
                .put("traceparent", TRACEPARENT);
        p.putObject("payload").put("prompt", "Hello, world");
        return p;
    }

    @Test
    void aSubmitsSpansContinueTheClientsTraceAndTheRouterWorksUnderTheClientSpan(@TempDir Path dir)
            throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start();
             Deployment deployment = Deployment.start(dir, List.of(), List.of(), Map.of(
                     "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
                     "OTEL_BSP_SCHEDULE_DELAY", "100"));
             Connection spy = Nats.connect(deployment.nats.url());
             IpcClient client = IpcClient.connect(deployment.socket, CLIENT)) {
            Subscription decide = spy.subscribe(DECIDE); // not in the Router's queue group: sees every request
            spy.flush(Duration.ofSeconds(5));

            TaskResponse answer = client.submit(submit("traced-1")).get(30, TimeUnit.SECONDS);
            Message toRouter = decide.nextMessage(WAIT);

            assertThat(answer.traceId()).contains(TRACE);
            await().atMost(WAIT).until(() -> spanOf(otlp, "traced-1", SpanKind.SPAN_KIND_CLIENT) != null
                    && spanOf(otlp, "traced-1", SpanKind.SPAN_KIND_SERVER) != null);
            Received server = spanOf(otlp, "traced-1", SpanKind.SPAN_KIND_SERVER);
            Received routerCall = spanOf(otlp, "traced-1", SpanKind.SPAN_KIND_CLIENT);

            assertThat(server.service()).isEqualTo("beamline-ipc-gateway");
            assertThat(server.span().getName()).isEqualTo("TASK_SUBMIT");
            assertThat(server.traceId()).isEqualTo(TRACE);
            assertThat(server.parentSpanId()).as("the client's span is the server span's parent").isEqualTo(CLIENT_SPAN);
            assertThat(server.attribute("beamline.task.type")).isEqualTo("text.generate");
            assertThat(server.attribute("beamline.tenant.id")).isEqualTo("default_tenant");
            assertThat(server.attribute("beamline.submit.format")).isEqualTo("native");
            assertThat(server.attribute("beamline.ipc.outcome")).isEqualTo("ok");
            assertThat(server.attribute("beamline.ipc.error_code")).isEqualTo("0");
            assertThat(server.attribute("beamline.peer.pid")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(server.attribute("beamline.peer.uid"))
                    .isEqualTo(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());

            assertThat(routerCall.span().getName()).isEqualTo("request " + DECIDE);
            assertThat(routerCall.traceId()).isEqualTo(TRACE);
            assertThat(routerCall.parentSpanId()).as("the Router call is a child of the server span")
                    .isEqualTo(server.spanId());
            assertThat(routerCall.attribute("messaging.system")).isEqualTo("nats");
            assertThat(routerCall.attribute("messaging.destination.name")).isEqualTo(DECIDE);
            assertThat(routerCall.attribute("beamline.ipc.outcome")).isEqualTo("decided");

            String expected = "00-" + TRACE + "-" + routerCall.spanId() + "-01";
            assertThat(toRouter.getHeaders().getFirst("traceparent")).as("the Router's parent is the client span")
                    .isEqualTo(expected);
            assertThat(toRouter.getHeaders().getFirst("span_id")).isEqualTo(routerCall.spanId());
            assertThat(answer.decision().orElseThrow().path("metadata").path("traceparent").asText())
                    .as("what the Router itself read").isEqualTo(expected);
            assertThat(otlp.badRequests()).isEmpty();
        }
    }

    @Test
    void aStreamsServerSpanEndsWithItsTerminalFrame(@TempDir Path dir) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start();
             Deployment deployment = Deployment.start(dir, List.of(), List.of(), Map.of(
                     "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
                     "OTEL_BSP_SCHEDULE_DELAY", "100"));
             IpcClient client = IpcClient.connect(deployment.socket, CLIENT)) {
            StreamEnd end = client.submitStream(submit("streamed-1")).end().get(30, TimeUnit.SECONDS);
            assertThat(end.statusName()).isEqualTo("complete");

            await().atMost(WAIT).until(() -> spanOf(otlp, "streamed-1", SpanKind.SPAN_KIND_SERVER) != null);
            Received server = spanOf(otlp, "streamed-1", SpanKind.SPAN_KIND_SERVER);
            assertThat(server.attribute("beamline.submit.stream")).isEqualTo("true");
            assertThat(server.attribute("beamline.stream.status")).isEqualTo("complete");
            assertThat(server.attribute("beamline.stream.chunks")).isEqualTo(Long.toString(end.chunks()));
            assertThat(server.attribute("beamline.stream.bytes")).isEqualTo(Long.toString(end.bytes()));
            assertThat(server.span().getStatus().getCode()).isNotEqualTo(StatusCode.STATUS_CODE_ERROR);
        }
    }

    @Test
    void withoutAnEndpointNothingOfOpenTelemetryLoadsAndTheRouterGetsTheTraceAsBefore(@TempDir Path dir)
            throws Exception {
        Path classes = dir.resolve("classes.log");
        try (Deployment deployment = Deployment.start(dir, List.of(), List.of(), Map.of(
                     "OTEL_EXPORTER_OTLP_ENDPOINT", " ", // blank is unset
                     "OTEL_BSP_SCHEDULE_DELAY", "100",
                     "JAVA_OPTS", "-Dio.netty.leakDetection.level=PARANOID -Xlog:class+load=info:file=" + classes));
             Connection spy = Nats.connect(deployment.nats.url());
             IpcClient client = IpcClient.connect(deployment.socket, CLIENT)) {
            Subscription decide = spy.subscribe(DECIDE);
            spy.flush(Duration.ofSeconds(5));

            TaskResponse answer = client.submit(submit("untraced-1")).get(30, TimeUnit.SECONDS);
            Message toRouter = decide.nextMessage(WAIT);

            assertThat(answer.traceId()).contains(TRACE);
            String traceparent = toRouter.getHeaders().getFirst("traceparent");
            assertThat(traceparent).matches("00-" + TRACE + "-[0-9a-f]{16}-01")
                    .as("a new span, child of the client's").doesNotContain(CLIENT_SPAN);
            assertThat(toRouter.getHeaders().getFirst("span_id")).isEqualTo(traceparent.substring(36, 52));
            String loaded = Files.readString(classes);
            assertThat(loaded).as("the class-load log works and saw the tracing switch")
                    .contains("io.beamline.ipc.gateway.tracing.Tracing ");
            assertThat(loaded).doesNotContain("io.opentelemetry.", "io.beamline.ipc.gateway.tracing.Otel");
        }
    }

    /** The span of {@code kind} whose trace holds the task (the server span names it; the client span is its child). */
    private static Received spanOf(OtlpReceiver otlp, String taskId, SpanKind kind) {
        List<Received> spans = otlp.spans();
        Received server = spans.stream().filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_SERVER
                && taskId.equals(s.attribute("beamline.task.id"))).findFirst().orElse(null);
        if (server == null || kind == SpanKind.SPAN_KIND_SERVER) {
            return server;
        }
        return spans.stream().filter(s -> s.span().getKind() == kind && s.parentSpanId().equals(server.spanId()))
                .findFirst().orElse(null);
    }
}
