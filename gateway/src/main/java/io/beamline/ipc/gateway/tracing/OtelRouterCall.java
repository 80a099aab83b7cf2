package io.beamline.ipc.gateway.tracing;

import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The CLIENT span of one Router request (NATS request-reply), named and described by the messaging semantic
 * conventions. Its id is the parent the Router's work hangs under: the request's {@code traceparent} header.
 */
final class OtelRouterCall implements RequestSpan.RouterCall {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");

    private final Span span;

    private OtelRouterCall(Span span) {
        this.span = span;
    }

    static OtelRouterCall start(Tracer tracer, Context parent, String subject, int bodyBytes) {
        return new OtelRouterCall(tracer.spanBuilder("request " + subject)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent)
                .setAttribute(SYSTEM, "nats")
                .setAttribute(DESTINATION, subject)
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "request")
                .setAttribute(BODY_SIZE, (long) bodyBytes)
                .startSpan());
    }

    @Override
    public String traceparent() {
        return OtelRequestSpan.traceparent(span.getSpanContext());
    }

    @Override
    public void ended(TaskOutcome outcome) {
        switch (outcome) {
            case TaskOutcome.Decided d -> span.setAttribute(OtelRequestSpan.OUTCOME, "decided");
            case TaskOutcome.Failed f -> {
                span.setAttribute(OtelRequestSpan.OUTCOME, f.error().reason());
                span.setAttribute(OtelRequestSpan.ERROR_TYPE, f.error().reason());
                span.setStatus(StatusCode.ERROR);
            }
            case null -> span.setAttribute(OtelRequestSpan.OUTCOME, "cancelled");
        }
        span.end();
    }
}
