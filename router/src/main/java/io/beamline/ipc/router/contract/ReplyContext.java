package io.beamline.ipc.router.contract;

/**
 * The {@code context} object of every reply. {@code requestId} is {@code "undefined"} only when the request
 * carried no usable request_id; {@code traceId} is null when there is none to echo.
 */
public record ReplyContext(String requestId, String traceId) {

    public static final String UNDEFINED = "undefined";

    public static ReplyContext unknown() {
        return new ReplyContext(UNDEFINED, null);
    }
}
