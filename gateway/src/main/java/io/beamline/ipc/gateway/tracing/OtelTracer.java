package io.beamline.ipc.gateway.tracing;

import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.RequestTracer;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK, configured by the standard {@code OTEL_*} variables (autoconfigure), exporting spans
 * over OTLP http/protobuf with the JDK's HTTP client. One SERVER span per TASK_* request, parented on the
 * client's {@code traceparent} when it sent a valid one. Loaded only when tracing is on ({@link Tracing}).
 */
final class OtelTracer implements RequestTracer {

    private static final Logger LOG = LoggerFactory.getLogger(OtelTracer.class);
    /** How long close waits for the last spans to be sent. */
    static final long SHUTDOWN_WAIT_MS = 3_000;
    /** Defaults under the OTEL_* variables and system properties, which win. */
    private static final Map<String, String> DEFAULTS = Map.of(
            "otel.service.name", "beamline-ipc-gateway",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none", // the gateway's metrics are Prometheus's (/metrics)
            "otel.logs.exporter", "none");
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> NETWORK_TRANSPORT = AttributeKey.stringKey("network.transport");
    static final AttributeKey<Long> PROTOCOL_VERSION = AttributeKey.longKey("beamline.ipc.protocol_version");
    static final AttributeKey<Long> REQUEST_ID = AttributeKey.longKey("beamline.ipc.request_id");
    static final AttributeKey<Long> PEER_UID = AttributeKey.longKey("beamline.peer.uid");
    static final AttributeKey<Long> PEER_PID = AttributeKey.longKey("beamline.peer.pid");
    static final AttributeKey<String> TASK_TYPE = AttributeKey.stringKey("beamline.task.type");
    static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("beamline.task.id");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("beamline.tenant.id");
    static final AttributeKey<String> SUBMIT_FORMAT = AttributeKey.stringKey("beamline.submit.format");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("beamline.submit.stream");

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;

    private OtelTracer(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer("io.beamline.ipc.gateway");
    }

    static RequestTracer start(String endpoint) {
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> DEFAULTS)
                .disableShutdownHook() // the gateway's close flushes, after the last answer
                .build()
                .getOpenTelemetrySdk();
        LOG.info("tracing on: spans to {} (OTLP)", endpoint);
        return new OtelTracer(sdk);
    }

    @Override
    public RequestSpan start(Frame request, Caller caller) {
        MessageType type = request.type();
        if (type == null || !RequestFields.TRACED.contains(type)) {
            return RequestSpan.NONE;
        }
        RequestFields fields = RequestFields.of(request);
        Context parent = fields.traceparent() == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), fields.traceparent(), TRACEPARENT);
        SpanBuilder span = tracer.spanBuilder(type.name())
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(RPC_SYSTEM, "beamline_ipc")
                .setAttribute(RPC_METHOD, type.name())
                .setAttribute(NETWORK_TRANSPORT, "unix")
                .setAttribute(PROTOCOL_VERSION, (long) request.version());
        if (request.version() == Frame.V2) {
            span.setAttribute(REQUEST_ID, Integer.toUnsignedLong(request.requestId()));
        }
        if (caller.uid() >= 0) {
            span.setAttribute(PEER_UID, (long) caller.uid());
        }
        if (caller.pid() >= 0) {
            span.setAttribute(PEER_PID, (long) caller.pid());
        }
        if (fields.taskType() != null) {
            span.setAttribute(TASK_TYPE, fields.taskType());
        }
        if (fields.taskId() != null) {
            span.setAttribute(TASK_ID, fields.taskId());
        }
        if (fields.tenant() != null) {
            span.setAttribute(TENANT, fields.tenant());
        }
        if (type == MessageType.TASK_SUBMIT) {
            span.setAttribute(SUBMIT_FORMAT, fields.legacy() ? "legacy" : "native");
            span.setAttribute(STREAM, fields.stream());
        }
        return new OtelRequestSpan(span.startSpan(), tracer);
    }

    @Override
    public void close() {
        if (!sdk.shutdown().join(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS).isSuccess()) {
            LOG.warn("tracing: the last spans were not all sent within {} ms", SHUTDOWN_WAIT_MS);
        }
    }
}
