package io.beamline.ipc.gateway.tracing;

import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.TaskStream;
import io.beamline.ipc.protocol.Frame;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Optional;

/** The SERVER span of one IPC request: told its task, its Router call and its answer; ends with the answer or stream. */
final class OtelRequestSpan implements RequestSpan {

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("beamline.ipc.outcome");
    static final AttributeKey<Long> ERROR_CODE = AttributeKey.longKey("beamline.ipc.error_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Span span;
    private final Tracer tracer;

    OtelRequestSpan(Span span, Tracer tracer) {
        this.span = span;
        this.tracer = tracer;
    }

    @Override
    public String traceparent() {
        return traceparent(span.getSpanContext());
    }

    @Override
    public void submitted(String taskId, String tenant) {
        span.setAttribute(OtelTracer.TASK_ID, taskId);
        span.setAttribute(OtelTracer.TENANT, tenant);
    }

    @Override
    public RouterCall routerCall(String subject, int bodyBytes) {
        return OtelRouterCall.start(tracer, Context.root().with(span), subject, bodyBytes);
    }

    @Override
    public void answered(Frame answer, TaskStream stream) {
        AnswerOutcome outcome = AnswerOutcome.of(answer);
        if (outcome.taskId() != null) {
            span.setAttribute(OtelTracer.TASK_ID, outcome.taskId());
        }
        span.setAttribute(OUTCOME, outcome.reason());
        span.setAttribute(ERROR_CODE, (long) outcome.code());
        if (!outcome.ok()) {
            span.setAttribute(ERROR_TYPE, outcome.reason());
            span.setStatus(StatusCode.ERROR);
        }
        if (stream == null) {
            span.end();
            return;
        }
        // Past the last chunk: the sink hears only the end (at once, if the stream has ended already).
        Optional<?> refused = stream.attach(Long.MAX_VALUE, new StreamEnd(span), false);
        if (refused.isPresent()) {
            span.end();
        }
    }

    @Override
    public void abandoned() {
        span.setAttribute(OUTCOME, "client_gone");
        span.end();
    }

    /** W3C traceparent of {@code context}; null for an invalid one. */
    static String traceparent(SpanContext context) {
        return context.isValid() ? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex() : null;
    }
}
