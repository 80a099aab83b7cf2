package io.beamline.ipc.process.security;

import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why a connection to NATS failed, in one line an operator can act on: a TLS handshake that failed and on
 * which side, or credentials the server refused. The JDK's and jnats' own messages are long, nested and
 * differ by version; this names the cause first and keeps the original (URLs redacted) after it.
 */
public final class ConnectFailure {

    private static final String TLS = "TLS handshake failed: ";
    private static final String AUTHORIZATION = "authorization violation: ";
    private static final String REQUIRES_TLS = "the server requires TLS: ";
    private static final String UNREACHABLE = "cannot reach the server: ";

    private ConnectFailure() {
    }

    /** A failure seen as an exception while connecting. */
    public static String describe(Throwable failure) {
        String detail = Redaction.urls(innermostMessage(failure));
        String lower = detail.toLowerCase(Locale.ROOT);
        if (has(failure, CertPathBuilderException.class) || has(failure, CertPathValidatorException.class)
                || lower.contains("unable to find valid certification path")) {
            return TLS + "unknown CA (the server's certificate is not signed by a trusted CA): " + detail;
        }
        if (has(failure, CertificateException.class) && lower.contains("subject alternative")) {
            return TLS + "the server's certificate does not name this host: " + detail;
        }
        if (has(failure, SSLHandshakeException.class) && (lower.contains("bad_certificate")
                || lower.contains("certificate_required") || lower.contains("unknown_ca"))) {
            return TLS + "the server refused our client certificate: " + detail;
        }
        if (has(failure, SSLException.class)) {
            return TLS + detail;
        }
        if (lower.contains("authorization violation") || lower.contains("authentication")) {
            return serverError(detail);
        }
        if (has(failure, ConnectException.class)) {
            return UNREACHABLE + detail;
        }
        return Redaction.urls(failure.toString());
    }

    /**
     * True for a cause named by this class (a TLS handshake, a refusal by the server), false for a plain
     * exception: a timeout or a drop that may only follow the named cause.
     */
    public static boolean isNamed(String described) {
        return described.startsWith(TLS) || described.startsWith(AUTHORIZATION) || described.startsWith(REQUIRES_TLS)
                || described.startsWith(UNREACHABLE);
    }

    /** A {@code -ERR} the server sent; an authorization violation says which settings to check. */
    public static String serverError(String error) {
        String text = Redaction.urls(error == null ? "" : error.trim().replace("'", ""));
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("authorization violation") || lower.contains("authentication")) {
            return AUTHORIZATION + "the server refused the credentials (user/password, token, NKey or "
                    + "creds file): " + text;
        }
        if (lower.contains("secure connection") || lower.contains("tls required")) {
            return REQUIRES_TLS + text;
        }
        return "server error: " + text;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String innermostMessage(Throwable t) {
        String message = t.toString();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }
}
