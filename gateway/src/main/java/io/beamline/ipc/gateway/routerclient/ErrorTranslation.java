package io.beamline.ipc.gateway.routerclient;

import static io.beamline.ipc.protocol.ErrorCode.BAD_GATEWAY;
import static io.beamline.ipc.protocol.ErrorCode.CANCELLED;
import static io.beamline.ipc.protocol.ErrorCode.INVALID_PAYLOAD;
import static io.beamline.ipc.protocol.ErrorCode.NOT_FOUND;
import static io.beamline.ipc.protocol.ErrorCode.RATE_LIMITED;
import static io.beamline.ipc.protocol.ErrorCode.ROUTER_ERROR;
import static io.beamline.ipc.protocol.ErrorCode.TIMEOUT;
import static io.beamline.ipc.protocol.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.RouterErrorInfo;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one table from what went wrong on the Router path to the client's error: Router error codes and the
 * gateway's own transport outcomes → IPC code, HTTP-like status, reason, retryable. Code, docs/PROTOCOL.md
 * and tests all read {@link #ROUTER_ROWS} and {@link #GATEWAY_ROWS}.
 */
public final class ErrorTranslation {

    /** @param trigger a Router error code, or the gateway outcome's reason */
    public record Row(String trigger, ErrorCode code, int status, String reason, boolean retryable) {
    }

    /** Router error codes (contract: "Error mapping the Router's docs expect from a gateway"). */
    public static final List<Row> ROUTER_ROWS = List.of(
            router("invalid_request", INVALID_PAYLOAD, 400, false),
            router("unauthorized", ROUTER_ERROR, 401, false),
            router("validator_blocked", ROUTER_ERROR, 403, false),
            router("policy_not_found", NOT_FOUND, 404, false),
            router("extension_not_found", NOT_FOUND, 404, false),
            router("rate_limit_exceeded", RATE_LIMITED, 429, true),
            router("decision_failed", ROUTER_ERROR, 500, false),
            router("internal", ROUTER_ERROR, 500, false),
            router("post_processor_failed", ROUTER_ERROR, 500, false),
            router("extension_error", ROUTER_ERROR, 500, false),
            router("extension_unavailable", UNAVAILABLE, 503, true),
            router("extension_timeout", TIMEOUT, 504, true));

    public static final String BAD_ROUTER_REPLY = "bad_router_reply";
    public static final String NO_RESPONDERS = "no_responders";
    public static final String NATS_DISCONNECTED = "nats_disconnected";
    public static final String NATS_UNAVAILABLE = "nats_unavailable";
    public static final String GATEWAY_TIMEOUT = "timeout";
    public static final String CANCELLED_BY_CLIENT = "cancelled";
    public static final String SHUTTING_DOWN = "shutting_down";

    /** Outcomes without a Router error: the reason is what the client sees. */
    public static final List<Row> GATEWAY_ROWS = List.of(
            new Row(BAD_ROUTER_REPLY, BAD_GATEWAY, 502, BAD_ROUTER_REPLY, false),
            new Row(NO_RESPONDERS, UNAVAILABLE, 503, NO_RESPONDERS, true),
            new Row(NATS_UNAVAILABLE, UNAVAILABLE, 503, NATS_UNAVAILABLE, true),
            new Row(NATS_DISCONNECTED, UNAVAILABLE, 503, NATS_DISCONNECTED, true),
            new Row(SHUTTING_DOWN, UNAVAILABLE, 503, SHUTTING_DOWN, true),
            new Row(GATEWAY_TIMEOUT, TIMEOUT, 504, GATEWAY_TIMEOUT, true),
            new Row(CANCELLED_BY_CLIENT, CANCELLED, 499, CANCELLED_BY_CLIENT, false));

    /** A rate limit without a hint from the Router: retry after this long. */
    static final long DEFAULT_RETRY_AFTER_MS = 1000;

    private static final Map<String, Row> BY_ROUTER_CODE = index(ROUTER_ROWS);
    private static final Map<String, Row> BY_OUTCOME = index(GATEWAY_ROWS);

    private ErrorTranslation() {
    }

    /** The row of a Router error code; an unknown code passes through with status 500, its code kept. */
    public static Row rowFor(String routerCode) {
        Row known = BY_ROUTER_CODE.get(routerCode);
        return known != null ? known : new Row(routerCode, ROUTER_ERROR, 500, routerCode, false);
    }

    /** The Router's error, with all it sent kept in {@code error.router}. */
    public static ErrorBody fromRouter(RouterErrorInfo error, String routerMessage) {
        Row row = rowFor(error.code());
        String message = "Router: " + (routerMessage == null || routerMessage.isEmpty() ? error.code() : routerMessage);
        JsonNode context = error.details() == null ? null : error.details().get("context");
        if (context != null && context.isTextual()) {
            message += ": " + context.asText();
        }
        ErrorBody body = body(row, message).withRouter(error);
        return row.code() == RATE_LIMITED ? body.withRetryAfterMs(retryAfterMs(error.details())) : body;
    }

    /** A request that got no reply. */
    public static ErrorBody fromNoReply(RouterResponse.NoReply noReply) {
        String reason = switch (noReply.kind()) {
            case NATS_UNAVAILABLE -> NATS_UNAVAILABLE;
            case NO_RESPONDERS -> NO_RESPONDERS;
            case NATS_DISCONNECTED -> NATS_DISCONNECTED;
            case TIMEOUT -> GATEWAY_TIMEOUT;
            case SHUTDOWN -> SHUTTING_DOWN;
            // NATS refused the message itself: the client's request is too large for it.
            case UNSENDABLE -> null;
        };
        return reason == null ? ErrorBody.of(INVALID_PAYLOAD, noReply.message())
                : body(BY_OUTCOME.get(reason), noReply.message());
    }

    public static ErrorBody badReply(String why) {
        return body(BY_OUTCOME.get(BAD_ROUTER_REPLY), "the Router's reply could not be understood: " + why);
    }

    public static ErrorBody cancelled(String message) {
        return body(BY_OUTCOME.get(CANCELLED_BY_CLIENT), message);
    }

    private static ErrorBody body(Row row, String message) {
        return new ErrorBody(row.code().code(), row.status(), row.reason(), message, row.retryable(), null, null);
    }

    private static long retryAfterMs(JsonNode details) {
        if (details != null && details.path("retry_after_ms").canConvertToLong()) {
            return Math.max(0, details.get("retry_after_ms").asLong());
        }
        if (details != null && details.path("retry_after_seconds").isNumber()) {
            return Math.max(0, (long) (details.get("retry_after_seconds").asDouble() * 1000));
        }
        return DEFAULT_RETRY_AFTER_MS;
    }

    private static Row router(String code, ErrorCode ipc, int status, boolean retryable) {
        return new Row(code, ipc, status, code, retryable);
    }

    private static Map<String, Row> index(List<Row> rows) {
        return Stream.of(rows).flatMap(List::stream).collect(Collectors.toUnmodifiableMap(Row::trigger, Function.identity()));
    }
}
