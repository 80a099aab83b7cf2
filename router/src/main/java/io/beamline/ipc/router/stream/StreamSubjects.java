package io.beamline.ipc.router.stream;

/** Where a request's output stream is published: {@code beamline.router.v1.stream.<request_id>}. */
public final class StreamSubjects {

    public static final String PREFIX = "beamline.router.v1.stream.";

    private StreamSubjects() {
    }

    /**
     * The stream subject, or null when the request_id cannot be one subject token (empty, or holding
     * whitespace, a control character, {@code .}, {@code *} or {@code >}).
     */
    public static String of(String requestId) {
        if (requestId == null || requestId.isEmpty()) {
            return null;
        }
        for (int i = 0; i < requestId.length(); i++) {
            char c = requestId.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '.' || c == '*' || c == '>') {
                return null;
            }
        }
        return PREFIX + requestId;
    }
}
