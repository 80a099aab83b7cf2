package io.beamline.ipc.gateway.tracing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.StreamSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/** Ends a streamed submit's server span with its stream's terminal frame: the status and the counts. */
final class StreamEnd implements StreamSink {

    static final AttributeKey<String> STATUS = AttributeKey.stringKey("beamline.stream.status");
    static final AttributeKey<Long> CHUNKS = AttributeKey.longKey("beamline.stream.chunks");
    static final AttributeKey<Long> BYTES = AttributeKey.longKey("beamline.stream.bytes");

    private final Span span;

    StreamEnd(Span span) {
        this.span = span;
    }

    @Override
    public void chunk(long seq, byte[] payload) {
        // only the end matters here
    }

    @Override
    public void end(ObjectNode payload) {
        String status = payload.path("status").asText();
        span.setAttribute(STATUS, status);
        span.setAttribute(CHUNKS, payload.path("chunks").asLong());
        span.setAttribute(BYTES, payload.path("bytes").asLong());
        if (!payload.path("ok").asBoolean()) {
            span.setAttribute(OtelRequestSpan.ERROR_TYPE, "stream_" + status);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
