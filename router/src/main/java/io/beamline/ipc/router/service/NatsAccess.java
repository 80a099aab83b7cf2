package io.beamline.ipc.router.service;

import io.beamline.ipc.process.security.ConnectFailure;
import io.beamline.ipc.process.security.PemTls;
import io.beamline.ipc.process.security.Redaction;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the Router proves itself to NATS and checks the server: one way of authenticating at most (user and
 * password, token, NKey seed file, creds file) and TLS from PEM files (CA, client certificate and key).
 * Checked on creation with messages naming the option; secrets are never part of a message or toString.
 *
 * @param password a secret already resolved (see {@code SecretValue}); null when not set
 * @param token    a secret already resolved; null when not set
 */
public record NatsAccess(String user, String password, String token, Path nkeyFile, Path credsFile, Path caFile,
                         Path certFile, Path keyFile) {

    private static final Logger LOG = LoggerFactory.getLogger(NatsAccess.class);

    public static final NatsAccess NONE = new NatsAccess(null, null, null, null, null, null, null, null);

    public NatsAccess {
        List<String> kinds = new ArrayList<>();
        if (user != null) {
            kinds.add("--nats-user");
        }
        if (token != null) {
            kinds.add("--nats-token");
        }
        if (nkeyFile != null) {
            kinds.add("--nats-nkey-file");
        }
        if (credsFile != null) {
            kinds.add("--nats-creds-file");
        }
        if (kinds.size() > 1) {
            throw new IllegalArgumentException(String.join(" and ", kinds) + " are both given; expected one way "
                    + "of authenticating at most");
        }
        if (password != null && user == null) {
            throw new IllegalArgumentException("--nats-password is given without --nats-user");
        }
        for (Path file : new Path[]{nkeyFile, credsFile, caFile, certFile, keyFile}) {
            if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
                throw new IllegalArgumentException(file + " is not a readable file");
            }
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--nats-tls-cert-file and --nats-tls-key-file go together");
        }
        if (caFile != null || certFile != null) {
            PemTls.context(caFile, certFile, keyFile); // a bad PEM file stops the start with its name
        }
    }

    /** Adds the credentials and TLS context to a connection's options, and {@code failures} as its error listener. */
    public Options.Builder applyTo(Options.Builder b, Failures failures) {
        if (credsFile != null) {
            b.authHandler(Nats.credentials(credsFile.toString()));
        } else if (nkeyFile != null) {
            b.authHandler(Nats.credentials(null, nkeyFile.toString()));
        } else if (token != null) {
            b.token(token.toCharArray());
        } else if (user != null) {
            b.userInfo(user, password == null ? "" : password);
        }
        if (caFile != null || certFile != null) {
            b.sslContext(PemTls.context(caFile, certFile, keyFile));
        }
        return b.errorListener(failures);
    }

    @Override
    public String toString() {
        return "NatsAccess[user=" + (user == null ? "" : user) + ", password=" + (password == null ? "" : Redaction.MASK)
                + ", token=" + (token == null ? "" : Redaction.MASK) + ", nkeyFile=" + nkeyFile + ", credsFile="
                + credsFile + ", caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile + "]";
    }

    /**
     * jnats' default listener logs through java.util.logging, unredacted. This one names the cause (TLS
     * handshake, refused credentials) and keeps it: jnats' own exception at the end of a failed start only
     * says that no server could be reached.
     */
    public static final class Failures implements ErrorListener {
        private volatile String named;

        /** The last cause named while connecting, if any. */
        public java.util.Optional<String> named() {
            return java.util.Optional.ofNullable(named);
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            record(conn, ConnectFailure.serverError(error));
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            record(conn, ConnectFailure.describe(exp));
        }

        private void record(Connection conn, String cause) {
            if (ConnectFailure.isNamed(cause)) {
                named = cause;
                LOG.warn("NATS: {}", cause);
            } else if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
                LOG.debug("NATS: {}", cause); // a timeout or drop that follows the named cause
            } else {
                LOG.warn("NATS: {}", cause);
            }
        }
    }
}
