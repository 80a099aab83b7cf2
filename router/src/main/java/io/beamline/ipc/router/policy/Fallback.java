package io.beamline.ipc.router.policy;

import java.util.List;
import java.util.Map;

/**
 * A fallback rule: when every {@code when} key of the routing context has one of the listed values (an
 * empty {@code when} always matches), route to {@code to}. A listed value like {@code 5xx} matches any
 * three-character value starting with 5.
 */
public record Fallback(Map<String, List<String>> when, int retry, String to) {

    public Fallback {
        when = Map.copyOf(when);
    }

    public boolean matches(Map<String, String> context) {
        for (Map.Entry<String, List<String>> condition : when.entrySet()) {
            String actual = context.get(condition.getKey());
            if (actual == null || condition.getValue().stream().noneMatch(v -> valueMatches(v, actual))) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueMatches(String pattern, String actual) {
        if (pattern.length() == 3 && pattern.endsWith("xx") && actual.length() == 3) {
            return actual.charAt(0) == pattern.charAt(0);
        }
        return pattern.equals(actual);
    }
}
