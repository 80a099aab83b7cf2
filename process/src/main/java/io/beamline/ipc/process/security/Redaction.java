package io.beamline.ipc.process.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in any text before it is printed. {@link #urls} masks the user-info of URLs:
 * {@code nats://user:pw@host} becomes {@code nats://user:****@host}, and {@code nats://TOKEN@host} (a token in
 * the URL) becomes {@code nats://****@host}. {@link #text} does that and also masks the value of every
 * secret-named field ({@code password=…}, {@code token: …}, {@code "secret":"…"}, {@code Authorization: Bearer …}).
 * The one place that knows how: every log line (the log encoders) and every printout of a URL or setting uses it.
 */
public final class Redaction {

    /** What stands for a hidden secret, everywhere. */
    public static final String MASK = "****";

    // scheme://userinfo@ where userinfo has no '/', '@', ',' or space (a comma separates seed-list URLs).
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/@\\s,]+)@");

    /*
     * A secret-named field and its value. The name ends in one of the secret words, which starts the name or
     * follows '.', '_' or '-' (nats.password, api_key, x-api-key), or is capitalised after a lower-case letter
     * (apiKey, clientSecret): "monkey", "keyboard", "key_file" or "tokens" are not secret names. The name may be
     * quoted (JSON, also JSON escaped inside a string); then ':' or '=' and the value: quoted, or up to a space,
     * comma, semicolon, '&' or closing bracket. An Authorization value keeps its scheme (Bearer, Basic) visible.
     */
    private static final String WORDS = "password|passwd|token|authorization|key|secret|credentials";
    private static final String NAME = "(?:[A-Za-z0-9]+[._-])*(?:(?i:" + WORDS + ")"
            + "|[a-z0-9]+(?:Password|Passwd|Token|Authorization|Key|Secret|Credentials))";
    private static final Pattern SECRET_NAME = Pattern.compile(NAME);
    private static final Pattern FIELD = Pattern.compile(
            "(?<![A-Za-z0-9])((?:\\\\?[\"'])?" + NAME + "(?:\\\\?[\"'])?"
                    + "\\s*[:=]\\s*(?:(?i:bearer|basic|digest|token)\\s+)?)"
                    + "(\\\\\"(?:[^\"\\\\]|\\\\[^\"])*\\\\\"|\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'"
                    + "|[^\\s,;&)\\]}\"']+)");

    private Redaction() {
    }

    /** Whether a field of this name holds a secret: {@code password}, {@code nats.token}, {@code apiKey}, … */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    /** {@code text} with the user-info of every URL in it masked; null stays null. */
    public static String urls(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String userInfo = m.group(2);
            int colon = userInfo.indexOf(':');
            // A user name alone is no secret; a lone user-info part is a token.
            String shown = colon >= 0 ? userInfo.substring(0, colon + 1) + MASK : MASK;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + shown + "@"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code text} with URL user-info ({@link #urls}) and the value of every secret-named field masked; a
     * quoted value keeps its quotes. Null stays null; text without '@', ':' or '=' is returned as it is, unscanned.
     */
    public static String text(String text) {
        String t = urls(text);
        if (t == null || (t.indexOf(':') < 0 && t.indexOf('=') < 0)) {
            return t;
        }
        Matcher m = FIELD.matcher(t);
        if (!m.find()) {
            return t;
        }
        StringBuilder out = new StringBuilder(t.length());
        do {
            String value = m.group(2);
            String masked;
            if (value.startsWith("\\\"")) {
                masked = "\\\"" + MASK + "\\\"";
            } else if (value.startsWith("\"") || value.startsWith("'")) {
                masked = value.charAt(0) + MASK + value.charAt(0);
            } else {
                masked = MASK;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }
}
