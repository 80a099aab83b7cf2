package io.beamline.ipc.protocol;

/** Payload of a RESPONSE_ERROR frame: {@code {"ok":false,"task_id"?,"trace_id"?,"error":{…}}}. */
public record ErrorResponse(boolean ok, String taskId, String traceId, ErrorBody error) {

    public ErrorResponse {
        if (ok) {
            throw new IllegalArgumentException("an error response has ok=false");
        }
    }

    public static ErrorResponse of(ErrorBody error) {
        return new ErrorResponse(false, null, null, error);
    }

    public static ErrorResponse of(ErrorCode code, String message) {
        return of(ErrorBody.of(code, message));
    }

    public Frame toFrame() {
        return Frame.of(MessageType.RESPONSE_ERROR, Json.write(this));
    }
}
