package io.beamline.ipc.router.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.router.fault.FaultJson;
import io.beamline.ipc.router.fault.FaultPlan;
import io.beamline.ipc.router.fault.FaultSpecException;
import io.beamline.ipc.router.stream.StreamOverride;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one policy document of the JSON DSL into a {@link Policy}. Fields the reference Router does not act
 * on ({@code circuit_breaker}, {@code pre}, {@code validators}, {@code post}) are accepted and ignored.
 */
public final class PolicyParser {

    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h)$");

    private PolicyParser() {
    }

    /** @param where names the source in error messages, e.g. the file path */
    public static Policy parse(PolicyKey key, JsonNode doc, String where) {
        if (doc == null || !doc.isObject()) {
            throw fail(where, "a policy must be a JSON object");
        }
        List<Provider> providers = providers(doc, where);
        return new Policy(key, providers, fallbacks(doc.get("fallbacks"), where), sticky(doc.get("sticky"), where),
                rateLimit(doc.get("rate_limit"), where), faults(doc.get("faults"), where),
                stream(doc.get("stream"), where));
    }

    /** Parsed whatever the Router's flags; only used when it runs with --enable-faults. */
    private static FaultPlan faults(JsonNode faults, String where) {
        try {
            return FaultJson.parse(faults);
        } catch (FaultSpecException e) {
            throw fail(where, e.getMessage());
        }
    }

    private static StreamOverride stream(JsonNode s, String where) {
        if (s == null || s.isNull()) {
            return StreamOverride.NONE;
        }
        if (!s.isObject()) {
            throw fail(where, "stream must be an object");
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("chunks") && !k.equals("chunk_bytes") && !k.equals("interval_ms")) {
                throw fail(where, "stream." + k + " is unknown; known: chunks, chunk_bytes, interval_ms");
            }
        }
        try {
            Long chunks = integer(s.get("chunks"), where, "stream.chunks");
            Long bytes = integer(s.get("chunk_bytes"), where, "stream.chunk_bytes");
            return new StreamOverride(chunks == null ? null : (int) Math.min(chunks, Integer.MAX_VALUE),
                    bytes == null ? null : (int) Math.min(bytes, Integer.MAX_VALUE),
                    integer(s.get("interval_ms"), where, "stream.interval_ms"));
        } catch (IllegalArgumentException e) {
            throw fail(where, "stream: " + e.getMessage().replace("--stream-", "").replace('-', '_'));
        }
    }

    private static Long integer(JsonNode v, String where, String label) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw fail(where, label + " must be a non-negative integer, got " + v);
        }
        return v.longValue();
    }

    private static List<Provider> providers(JsonNode doc, String where) {
        List<Provider> out = new ArrayList<>();
        JsonNode list = doc.get("providers");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw fail(where, "providers must be an array");
            }
            for (JsonNode p : list) {
                String name = requiredText(p, "name", where, "providers[].name");
                double weight = number(p.get("weight"), 0, where, "providers[].weight");
                if (weight < 0 || weight > 100) {
                    throw fail(where, "providers[].weight of " + name + " must be 0..100, got " + weight);
                }
                long latency = (long) number(p.get("expected_latency_ms"), 0, where, "expected_latency_ms");
                double cost = number(p.get("expected_cost"), 0.0, where, "expected_cost");
                if (latency < 0 || cost < 0) {
                    throw fail(where, "expected_latency_ms and expected_cost of " + name + " must be >= 0");
                }
                out.add(new Provider(name, weight, latency, cost));
            }
        } else if (doc.get("weights") != null && !doc.get("weights").isNull()) {
            // Legacy form: {"weights": {"openai": 0.7, "anthropic": 0.3}}
            JsonNode weights = doc.get("weights");
            if (!weights.isObject()) {
                throw fail(where, "weights must be an object of provider name to weight");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = weights.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double w = number(e.getValue(), 0, where, "weights." + e.getKey());
                if (w < 0) {
                    throw fail(where, "weights." + e.getKey() + " must be >= 0");
                }
                out.add(new Provider(e.getKey(), w, 0, 0.0));
            }
        }
        return out;
    }

    private static List<Fallback> fallbacks(JsonNode list, String where) {
        List<Fallback> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw fail(where, "fallbacks must be an array");
        }
        for (JsonNode f : list) {
            String to = requiredText(f, "to", where, "fallbacks[].to");
            int retry = (int) number(f.get("retry"), 0, where, "fallbacks[].retry");
            Map<String, List<String>> when = new LinkedHashMap<>();
            JsonNode w = f.get("when");
            if (w != null && !w.isNull()) {
                if (!w.isObject()) {
                    throw fail(where, "fallbacks[].when must be an object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    List<String> values = new ArrayList<>();
                    if (e.getValue().isArray()) {
                        e.getValue().forEach(v -> values.add(v.asText()));
                    } else {
                        values.add(e.getValue().asText());
                    }
                    when.put(e.getKey(), List.copyOf(values));
                }
            }
            out.add(new Fallback(when, retry, to));
        }
        return out;
    }

    private static Sticky sticky(JsonNode s, String where) {
        if (s == null || s.isNull() || !s.path("enabled").asBoolean(false)) {
            return Sticky.DISABLED;
        }
        String key = requiredText(s, "session_key", where, "sticky.session_key");
        return new Sticky(true, key, duration(s.get("ttl"), where));
    }

    private static RateLimit rateLimit(JsonNode r, String where) {
        if (r == null || r.isNull() || !r.path("enabled").asBoolean(false)) {
            return RateLimit.DISABLED;
        }
        double rps = number(r.get("requests_per_second"), RateLimit.DEFAULT_RPS, where, "rate_limit.requests_per_second");
        int burst = (int) number(r.get("burst"), RateLimit.DEFAULT_BURST, where, "rate_limit.burst");
        if (rps <= 0 || burst < 1) {
            throw fail(where, "rate_limit needs requests_per_second > 0 and burst >= 1");
        }
        return new RateLimit(true, rps, burst);
    }

    /** "10m", "30s", "500ms", "1h", or a number of seconds. */
    static Duration duration(JsonNode ttl, String where) {
        if (ttl == null || ttl.isNull()) {
            throw fail(where, "sticky.ttl is required when sticky is enabled");
        }
        if (ttl.isIntegralNumber() && ttl.longValue() > 0) {
            return Duration.ofSeconds(ttl.longValue());
        }
        Matcher m = DURATION.matcher(ttl.asText());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw fail(where, "sticky.ttl must be a positive duration like 10m, 30s, 500ms, 1h; got " + ttl);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static String requiredText(JsonNode n, String field, String where, String label) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw fail(where, label + " must be a non-empty string");
        }
        return v.textValue();
    }

    private static double number(JsonNode v, double dflt, String where, String label) {
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw fail(where, label + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static PolicyException fail(String where, String what) {
        return new PolicyException(where + ": " + what);
    }
}
