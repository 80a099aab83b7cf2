package io.beamline.ipc.router.contract;

/**
 * The NATS headers of a decide request that the Router reads. Each may be null. A header only fills a
 * field the body lacks; where both are present the body wins (see {@link DecideRequestParser}).
 */
public record RequestHeaders(String traceId, String tenantId, String version, String traceparent) {

    public static final RequestHeaders NONE = new RequestHeaders(null, null, null, null);

    public static final String TRACE_ID = "trace_id";
    public static final String TENANT_ID = "tenant_id";
    public static final String VERSION = "version";
    public static final String TRACEPARENT = "traceparent";
}
