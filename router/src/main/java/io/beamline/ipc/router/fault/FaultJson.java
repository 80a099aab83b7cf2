package io.beamline.ipc.router.fault;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code "faults"} object of a policy file:
 * {@code {"delay_ms":N, "late_reply_ms":N, "no_reply":B, "error":"code" | {"code":S,"message":S,"details":{}},
 * "malformed":B, "stream_error_after":N, "stream_skip_seq":N, "stream_stall_after":N}}. Unknown keys are
 * refused, so a typo in a test fixture fails loudly.
 */
public final class FaultJson {

    private static final Set<String> KEYS = Set.of("delay_ms", "late_reply_ms", "no_reply", "error", "malformed",
            "stream_error_after", "stream_skip_seq", "stream_stall_after");

    private FaultJson() {
    }

    /** @throws FaultSpecException naming {@code faults.<key>} */
    public static FaultPlan parse(JsonNode faults) {
        if (faults == null || faults.isNull()) {
            return FaultPlan.NONE;
        }
        if (!faults.isObject()) {
            throw new FaultSpecException("faults", "must be an object");
        }
        faults.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new FaultSpecException("faults." + k, "unknown fault; known: " + KEYS);
            }
        });
        try {
            return new FaultPlan(integer(faults, "delay_ms"), integer(faults, "late_reply_ms"),
                    bool(faults, "no_reply"), error(faults.get("error")), bool(faults, "malformed"),
                    count(faults, "stream_error_after"), count(faults, "stream_skip_seq"),
                    count(faults, "stream_stall_after"));
        } catch (FaultSpecException e) {
            throw e.field().startsWith("faults.") ? e : new FaultSpecException("faults." + e.field(),
                    e.getMessage().substring(e.field().length() + 2));
        }
    }

    private static ForcedError error(JsonNode e) {
        if (e == null || e.isNull()) {
            return null;
        }
        if (e.isTextual()) {
            return ForcedError.of(e.textValue());
        }
        if (!e.isObject() || !e.path("code").isTextual()) {
            throw new FaultSpecException("faults.error", "must be a code string or {\"code\":S,\"message\":S?,"
                    + "\"details\":{}?}");
        }
        JsonNode message = e.get("message");
        if (message != null && !message.isNull() && !message.isTextual()) {
            throw new FaultSpecException("faults.error.message", "must be a string");
        }
        JsonNode details = e.get("details");
        Map<String, Object> extra = new LinkedHashMap<>();
        if (details != null && !details.isNull()) {
            if (!details.isObject()) {
                throw new FaultSpecException("faults.error.details", "must be an object");
            }
            details.fields().forEachRemaining(f -> extra.put(f.getKey(), f.getValue()));
        }
        return new ForcedError(e.get("code").textValue(),
                message == null || message.isNull() ? null : message.textValue(), extra);
    }

    /** An integer key as an int, clamped into int range so that FaultPlan's range check names it. */
    private static Integer count(JsonNode faults, String key) {
        Long v = integer(faults, key);
        return v == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(v, Integer.MAX_VALUE));
    }

    private static Long integer(JsonNode faults, String key) {
        JsonNode v = faults.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new FaultSpecException("faults." + key, "must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static Boolean bool(JsonNode faults, String key) {
        JsonNode v = faults.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new FaultSpecException("faults." + key, "must be true or false, got " + v);
        }
        return v.booleanValue();
    }
}
