package io.beamline.ipc.process.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the secret part of URLs in any text before it is printed: {@code nats://user:pw@host} becomes
 * {@code nats://user:****@host}, and {@code nats://TOKEN@host} (a token in the URL) becomes
 * {@code nats://****@host}. The one place that knows how; every log line and printout of a URL uses it.
 */
public final class Redaction {

    /** What stands for a hidden secret, everywhere. */
    public static final String MASK = "****";

    // scheme://userinfo@ where userinfo has no '/', '@', ',' or space (a comma separates seed-list URLs).
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/@\\s,]+)@");

    private Redaction() {
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
}
