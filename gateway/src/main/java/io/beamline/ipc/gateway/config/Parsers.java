package io.beamline.ipc.gateway.config;

import io.beamline.ipc.process.logging.LogFormat;
import io.beamline.ipc.process.security.SecretValue;
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
import java.util.regex.Pattern;

/**
 * The kinds of value {@link Setting}s accept, each with the text of what it allows written beside the code
 * that checks it. Each parser throws IllegalArgumentException for a value outside its range.
 */
final class Parsers {

    /**
     * sun_path is 108 bytes on Linux, including the terminating NUL; the JDK's Unix-domain sockets (our Java
     * client, the CLI) take one byte less, so a 107-byte path would serve no Java client.
     */
    static final int MAX_SOCKET_PATH_BYTES = 106;

    private static final Pattern SUBJECT = Pattern.compile("[^\\s.*>]+(\\.[^\\s.*>]+)*");
    /** In order of verbosity, as the allowed text lists them. */
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");
    /** The schemes jnats connects with, except opentls (TLS that trusts any server certificate). */
    private static final List<String> NATS_SCHEMES = List.of("nats", "tls", "ws", "wss");
    private static final IntRange UID = new IntRange(0, Integer.MAX_VALUE);
    private static final IntRange RATE = new IntRange(0, 1_000_000);
    private static final ValueKind<String> TENANT = textOfLength(1, 128);

    private Parsers() {
    }

    static IntRange intIn(int min, int max) {
        return new IntRange(min, max);
    }

    /** For something that can be switched off with 0, and otherwise must be at least {@code range.min()}. */
    static ValueKind<Integer> zeroOr(IntRange range) {
        if (range.min() <= 0) {
            throw new IllegalArgumentException(range.allowed() + " already holds 0");
        }
        IntRange upToMax = new IntRange(0, range.max());
        return ValueKind.of("0 or " + range.allowed(), text -> upToMax.parse(text) == 0 ? 0 : range.parse(text));
    }

    static ValueKind<Path> socketPath() {
        return ValueKind.of("an absolute path of at most " + MAX_SOCKET_PATH_BYTES + " bytes", text -> {
            Path p = Path.of(text.trim());
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("not an absolute path");
            }
            if (text.trim().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
                throw new IllegalArgumentException("longer than " + MAX_SOCKET_PATH_BYTES + " bytes");
            }
            return p;
        });
    }

    /** Comma-separated uids; {@code self} is the gateway's own uid, {@code any} lets every uid in. */
    static ValueKind<UidAllowList> uids() {
        return ValueKind.of("a comma-separated list of uids, 'self' or 'any'", text -> {
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
                    uids.add(UID.parse(t));
                }
            }
            if (!self && !any && uids.isEmpty()) {
                throw new IllegalArgumentException("empty list");
            }
            return new UidAllowList(any, self, Set.copyOf(uids));
        });
    }

    /** Comma-separated NATS server URLs (a cluster's seed list). */
    static ValueKind<List<URI>> natsUrls() {
        String schemes = orList(NATS_SCHEMES.stream().map(s -> s + "://").toList());
        return ValueKind.of("a comma-separated list of " + schemes + " URLs with a host", text -> {
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
                if (!NATS_SCHEMES.contains(scheme) || uri.getHost() == null) {
                    throw new IllegalArgumentException("not a " + schemes + " URL with a host");
                }
                out.add(uri);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("empty list");
            }
            return List.copyOf(out);
        });
    }

    /**
     * Any text; empty means "not set". Secrets are not trimmed: a space may be part of a password.
     *
     * @param what what the text is, for people: "a password"
     */
    static ValueKind<Optional<String>> optionalText(String what) {
        return ValueKind.of(what + ", or empty",
                text -> text == null || text.isEmpty() ? Optional.empty() : Optional.of(text));
    }

    /**
     * A secret: the text itself, or {@code file:PATH} to read it from a file (SecretValue); empty means
     * "not set". Not trimmed: a space may be part of a password. A failure names the file, never the secret.
     *
     * @param what what the secret is, for people: "a password"
     */
    static ValueKind<Optional<String>> secret(String what) {
        return ValueKind.of(what + " or file:PATH (read from that file), or empty", text -> {
            if (text == null || text.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(SecretValue.resolve(text));
        });
    }

    static ValueKind<String> textOfLength(int min, int max) {
        return ValueKind.of(min + ".." + max + " characters", text -> {
            String t = text.trim();
            if (t.length() < min || t.length() > max) {
                throw new IllegalArgumentException("length not in " + min + ".." + max);
            }
            return t;
        });
    }

    static ValueKind<Optional<Path>> readableFile() {
        return ValueKind.of("a readable file, or empty", text -> {
            String t = text.trim();
            if (t.isEmpty()) {
                return Optional.empty();
            }
            Path p = Path.of(t);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new IllegalArgumentException("not a readable file");
            }
            return Optional.of(p);
        });
    }

    static ValueKind<String> subject() {
        return ValueKind.of("a NATS subject without wildcards", text -> {
            String t = text.trim();
            if (!SUBJECT.matcher(t).matches()) {
                throw new IllegalArgumentException("not a NATS subject without wildcards");
            }
            return t;
        });
    }

    /** {@code uid=tenant} pairs, comma-separated; empty means none. */
    static ValueKind<Map<Integer, String>> tenantsByUid() {
        return ValueKind.of("comma-separated uid=tenant pairs, or empty", text -> {
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
                int uid = UID.parse(t.substring(0, eq));
                String tenant = TENANT.parse(t.substring(eq + 1).trim());
                if (out.put(uid, tenant) != null) {
                    throw new IllegalArgumentException("uid " + uid + " is listed twice");
                }
            }
            return Map.copyOf(out);
        });
    }

    /** {@code tenant=rate/burst} or {@code tenant=rate} pairs, comma-separated; empty means none. */
    static ValueKind<Map<String, RateLimitConfig.Rate>> tenantRates() {
        return ValueKind.of("comma-separated tenant=rate/burst or tenant=rate pairs, or empty", text -> {
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
                String tenant = TENANT.parse(t.substring(0, eq));
                String[] rb = t.substring(eq + 1).split("/", -1);
                if (rb.length > 2) {
                    throw new IllegalArgumentException("'" + t + "' is not tenant=rate/burst");
                }
                int rate = RATE.parse(rb[0]);
                int burst = rb.length == 2 ? RATE.parse(rb[1]) : 0;
                if (out.put(tenant, RateLimitConfig.Rate.of(rate, burst)) != null) {
                    throw new IllegalArgumentException("tenant " + tenant + " is listed twice");
                }
            }
            return Map.copyOf(out);
        });
    }

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /**
     * The fleet's Redis must be on this machine: the rate-limit calls run on the event loops with a short
     * timeout, and Redis would be reached without TLS. Empty means no fleet limit.
     */
    static ValueKind<Optional<URI>> loopbackRedisUrl() {
        return ValueKind.of("a redis:// URL on 127.0.0.1, localhost or [::1], or empty", text -> {
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
        });
    }

    static ValueKind<String> redisKeyPrefix() {
        ValueKind<String> length = textOfLength(1, 128);
        return ValueKind.of(length.allowed() + " without spaces", text -> {
            String t = length.parse(text);
            if (t.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("contains a space");
            }
            return t;
        });
    }

    static ValueKind<RateLimitConfig.OnRedisFailure> onRedisFailure() {
        return ValueKind.of("fail_open or fail_closed", text -> switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fail_open" -> RateLimitConfig.OnRedisFailure.FAIL_OPEN;
            case "fail_closed" -> RateLimitConfig.OnRedisFailure.FAIL_CLOSED;
            default -> throw new IllegalArgumentException("not fail_open or fail_closed");
        });
    }

    static ValueKind<Boolean> bool() {
        return ValueKind.of("true or false (also yes/no, on/off, 1/0)", text ->
                switch (text.trim().toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> throw new IllegalArgumentException("not a boolean");
                });
    }

    static ValueKind<String> logLevel() {
        return ValueKind.of("one of " + String.join(", ", LOG_LEVELS), text -> {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (!LOG_LEVELS.contains(t)) {
                throw new IllegalArgumentException("unknown level");
            }
            return t;
        });
    }

    /** "a, b or c" */
    private static String orList(List<String> items) {
        int last = items.size() - 1;
        return last == 0 ? items.get(0) : String.join(", ", items.subList(0, last)) + " or " + items.get(last);
    }

    static ValueKind<LogFormat> logFormat() {
        return ValueKind.of("text, json", LogFormat::parse);
    }
}
