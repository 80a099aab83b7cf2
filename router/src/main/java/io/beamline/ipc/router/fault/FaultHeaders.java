package io.beamline.ipc.router.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link FaultPlan} from the request's NATS headers (names are case-insensitive). Only consulted
 * when the Router runs with {@code --enable-faults}.
 */
public final class FaultHeaders {

    public static final String DELAY_MS = "x-fault-delay-ms";
    public static final String LATE_REPLY_MS = "x-fault-late-reply-ms";
    public static final String NO_REPLY = "x-fault-no-reply";
    public static final String ERROR = "x-fault-error";
    public static final String ERROR_MESSAGE = "x-fault-error-message";
    /** A JSON object whose entries are added to (and override) {@code error.details}. */
    public static final String ERROR_DETAILS = "x-fault-error-details";
    public static final String MALFORMED = "x-fault-malformed";
    public static final String STREAM_ERROR_AFTER = "x-fault-stream-error-after";
    /** The stream message that would carry this {@code Beamline-Stream-Seq} is not published. */
    public static final String STREAM_SKIP_SEQ = "x-fault-stream-skip-seq";
    /** After this many chunks the stream publishes nothing more, no end message either. */
    public static final String STREAM_STALL_AFTER = "x-fault-stream-stall-after";

    private final ObjectMapper mapper;

    public FaultHeaders(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** @throws FaultSpecException naming the header whose value is not usable */
    public FaultPlan read(Headers h) {
        if (h == null || h.isEmpty()) {
            return FaultPlan.NONE;
        }
        String code = first(h, ERROR);
        String message = first(h, ERROR_MESSAGE);
        String details = first(h, ERROR_DETAILS);
        if (code == null && (message != null || details != null)) {
            throw new FaultSpecException(message != null ? ERROR_MESSAGE : ERROR_DETAILS,
                    "needs " + ERROR);
        }
        ForcedError error = null;
        if (code != null) {
            Map<String, Object> extra = details == null ? null : detailsObject(details);
            try {
                error = new ForcedError(code, message, extra);
            } catch (FaultSpecException e) {
                throw new FaultSpecException(ERROR, e.getMessage());
            }
        }
        Long delay = millis(h, DELAY_MS);
        Long late = millis(h, LATE_REPLY_MS);
        return new FaultPlan(delay, late, bool(h, NO_REPLY), error, bool(h, MALFORMED),
                count(h, STREAM_ERROR_AFTER, 0, FaultPlan.MAX_STREAM_ERROR_AFTER),
                count(h, STREAM_SKIP_SEQ, 1, FaultPlan.MAX_STREAM_SKIP_SEQ),
                count(h, STREAM_STALL_AFTER, 0, FaultPlan.MAX_STREAM_STALL_AFTER));
    }

    private Map<String, Object> detailsObject(String json) {
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || !node.isObject()) {
                throw new FaultSpecException(ERROR_DETAILS, "must be a JSON object");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
            return out;
        } catch (IOException e) {
            throw new FaultSpecException(ERROR_DETAILS, "must be a JSON object");
        }
    }

    private static Long millis(Headers h, String name) {
        return number(h, name, 0, FaultPlan.MAX_DELAY_MS);
    }

    private static Integer count(Headers h, String name, int min, int max) {
        Long n = number(h, name, min, max);
        return n == null ? null : n.intValue();
    }

    private static Long number(Headers h, String name, long min, long max) {
        String v = first(h, name);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FaultSpecException(name, "must be an integer " + min + ".." + max + ", got \"" + v + "\"");
    }

    private static Boolean bool(Headers h, String name) {
        String v = first(h, name);
        if (v == null) {
            return null;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> throw new FaultSpecException(name, "must be true or false, got \"" + v + "\"");
        };
    }

    private static String first(Headers h, String name) {
        List<String> values = h.getIgnoreCase(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
