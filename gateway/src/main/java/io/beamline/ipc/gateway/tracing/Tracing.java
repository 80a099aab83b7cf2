package io.beamline.ipc.gateway.tracing;

import io.beamline.ipc.gateway.task.RequestTracer;
import java.util.Map;

/**
 * Whether the gateway traces: only when an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) and {@code OTEL_SDK_DISABLED} is not {@code true}. Off, the answer is
 * {@link RequestTracer#OFF} and no OpenTelemetry class is ever loaded: {@link OtelTracer} is the only class that
 * refers to the SDK, and it is touched only here, only when on (class loading dominates the ready time).
 */
public final class Tracing {

    static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    static final String SDK_DISABLED = "OTEL_SDK_DISABLED";

    private Tracing() {
    }

    /** @param env the process environment ({@code System.getenv()}) */
    public static RequestTracer fromEnvironment(Map<String, String> env) {
        return enabled(env) ? OtelTracer.start(endpoint(env)) : RequestTracer.OFF;
    }

    static boolean enabled(Map<String, String> env) {
        return endpoint(env) != null && !"true".equalsIgnoreCase(trimmed(env.get(SDK_DISABLED)));
    }

    /** The endpoint spans go to (the traces one first, as the SDK reads them), or null. */
    static String endpoint(Map<String, String> env) {
        String traces = trimmed(env.get(TRACES_ENDPOINT));
        return traces != null ? traces : trimmed(env.get(ENDPOINT));
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
