package io.beamline.ipc.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Parsers for {@link Setting}s; each throws IllegalArgumentException for a value outside its range. */
final class Parsers {

    /** sun_path is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern SUBJECT = Pattern.compile("[^\\s.*>]+(\\.[^\\s.*>]+)*");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    private Parsers() {
    }

    static Function<String, Integer> intIn(int min, int max) {
        return text -> {
            long v;
            try {
                v = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("out of range");
            }
            return (int) v;
        };
    }

    static Path socketPath(String text) {
        Path p = Path.of(text.trim());
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path");
        }
        if (text.trim().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("longer than " + MAX_SOCKET_PATH_BYTES + " bytes");
        }
        return p;
    }

    /** Comma-separated uids; {@code self} is the gateway's own uid, {@code any} lets every uid in. */
    static UidAllowList uids(String text) {
        boolean self = false;
        boolean any = false;
        List<Integer> uids = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.equals("self")) {
                self = true;
            } else if (t.equals("any")) {
                any = true;
            } else if (!t.isEmpty()) {
                uids.add(intIn(0, Integer.MAX_VALUE).apply(t));
            }
        }
        if (!self && !any && uids.isEmpty()) {
            throw new IllegalArgumentException("empty list");
        }
        return new UidAllowList(any, self, Set.copyOf(uids));
    }

    /** Comma-separated NATS server URLs (a cluster's seed list). */
    static List<URI> natsUrls(String text) {
        List<URI> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(t);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!Set.of("nats", "tls", "ws", "wss").contains(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException("not a nats://, tls://, ws:// or wss:// URL with a host");
            }
            out.add(uri);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty list");
        }
        return List.copyOf(out);
    }

    /** Empty means "not set". Secrets are not trimmed: a space may be part of a password. */
    static Optional<String> optionalText(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    static Function<String, String> textOfLength(int min, int max) {
        return text -> {
            String t = text.trim();
            if (t.length() < min || t.length() > max) {
                throw new IllegalArgumentException("length not in " + min + ".." + max);
            }
            return t;
        };
    }

    static Optional<Path> readableFile(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(t);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("not a readable file");
        }
        return Optional.of(p);
    }

    static String subject(String text) {
        String t = text.trim();
        if (!SUBJECT.matcher(t).matches()) {
            throw new IllegalArgumentException("not a NATS subject without wildcards");
        }
        return t;
    }

    /** {@code uid=tenant} pairs, comma-separated; empty means none. */
    static Map<Integer, String> tenantsByUid(String text) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0 || eq == t.length() - 1) {
                throw new IllegalArgumentException("'" + t + "' is not uid=tenant");
            }
            int uid = intIn(0, Integer.MAX_VALUE).apply(t.substring(0, eq));
            String tenant = textOfLength(1, 128).apply(t.substring(eq + 1).trim());
            if (out.put(uid, tenant) != null) {
                throw new IllegalArgumentException("uid " + uid + " is listed twice");
            }
        }
        return Map.copyOf(out);
    }

    /** {@code tenant=rate/burst} or {@code tenant=rate} pairs, comma-separated; empty means none. */
    static Map<String, RateLimitConfig.Rate> tenantRates(String text) {
        Map<String, RateLimitConfig.Rate> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            int eq = t.lastIndexOf('=');
            if (eq <= 0 || eq == t.length() - 1) {
                throw new IllegalArgumentException("'" + t + "' is not tenant=rate/burst");
            }
            String tenant = textOfLength(1, 128).apply(t.substring(0, eq));
            String[] rb = t.substring(eq + 1).split("/", -1);
            if (rb.length > 2) {
                throw new IllegalArgumentException("'" + t + "' is not tenant=rate/burst");
            }
            int rate = intIn(0, 1_000_000).apply(rb[0]);
            int burst = rb.length == 2 ? intIn(0, 1_000_000).apply(rb[1]) : 0;
            if (out.put(tenant, RateLimitConfig.Rate.of(rate, burst)) != null) {
                throw new IllegalArgumentException("tenant " + tenant + " is listed twice");
            }
        }
        return Map.copyOf(out);
    }

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /**
     * The fleet's Redis must be on this machine: the rate-limit calls run on the event loops with a short
     * timeout, and Redis would be reached without TLS. Empty means no fleet limit.
     */
    static Optional<URI> loopbackRedisUrl(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
        if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a redis:// URL with a host");
        }
        if (!LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("host " + uri.getHost() + " is not loopback: the fleet Redis must be"
                    + " on this machine, because it is asked on the gateway's event loops within"
                    + " ratelimit.redis.timeout_ms, and without TLS");
        }
        return Optional.of(uri);
    }

    static String redisKeyPrefix(String text) {
        String t = textOfLength(1, 128).apply(text);
        if (t.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("contains a space");
        }
        return t;
    }

    static RateLimitConfig.OnRedisFailure onRedisFailure(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fail_open" -> RateLimitConfig.OnRedisFailure.FAIL_OPEN;
            case "fail_closed" -> RateLimitConfig.OnRedisFailure.FAIL_CLOSED;
            default -> throw new IllegalArgumentException("not fail_open or fail_closed");
        };
    }

    static Boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    static String logLevel(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(t)) {
            throw new IllegalArgumentException("unknown level");
        }
        return t;
    }
}
