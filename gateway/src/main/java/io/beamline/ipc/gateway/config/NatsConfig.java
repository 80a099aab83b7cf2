package io.beamline.ipc.gateway.config;

import io.beamline.ipc.process.security.PemTls;
import io.beamline.ipc.process.security.Redaction;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/** How to reach NATS: servers, pool size, reconnect pacing, credentials and TLS material. */
public record NatsConfig(List<URI> urls, int poolSize, Duration reconnectWait, Duration reconnectJitter,
                         NatsAuth auth, NatsTls tls) {

    /** The defaults (one server, no auth, no TLS material), for tests. */
    public static NatsConfig of(String url, int poolSize) {
        return new NatsConfig(List.of(URI.create(url)), poolSize, Duration.ofMillis(100), Duration.ofMillis(50),
                NatsAuth.NONE, NatsTls.NONE);
    }

    /** The servers as they may be printed: user-info of a URL (a password, a token) masked. */
    public String printableUrls() {
        return Redaction.urls(urls.stream().map(URI::toString).collect(Collectors.joining(",")));
    }

    @Override
    public String toString() {
        return "NatsConfig[urls=" + printableUrls() + ", poolSize=" + poolSize + ", reconnectWait=" + reconnectWait
                + ", reconnectJitter=" + reconnectJitter + ", auth=" + auth + ", tls=" + tls + "]";
    }

    /**
     * One way of authenticating at most: user/password, token, NKey seed file or creds file (JWT + seed);
     * two set at once is a configuration error, since which one the server sees would be a guess.
     */
    public record NatsAuth(Optional<String> user, Optional<String> password, Optional<String> token,
                           Optional<Path> nkeyFile, Optional<Path> credsFile) {
        public static final NatsAuth NONE = new NatsAuth(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        public NatsAuth {
            List<String> kinds = new ArrayList<>();
            user.ifPresent(u -> kinds.add(GatewaySettings.NATS_USER.key()));
            token.ifPresent(t -> kinds.add(GatewaySettings.NATS_TOKEN.key()));
            nkeyFile.ifPresent(f -> kinds.add(GatewaySettings.NATS_NKEY_FILE.key()));
            credsFile.ifPresent(f -> kinds.add(GatewaySettings.NATS_CREDS_FILE.key()));
            if (kinds.size() > 1) {
                throw new ConfigException("invalid NATS authentication: " + String.join(" and ", kinds)
                        + " are both set; allowed: one of " + GatewaySettings.NATS_USER.key() + " (with "
                        + GatewaySettings.NATS_PASSWORD.key() + "), " + GatewaySettings.NATS_TOKEN.key() + ", "
                        + GatewaySettings.NATS_NKEY_FILE.key() + ", " + GatewaySettings.NATS_CREDS_FILE.key());
            }
            if (password.isPresent() && user.isEmpty()) {
                throw new ConfigException("invalid " + GatewaySettings.NATS_PASSWORD.key() + ": set without "
                        + GatewaySettings.NATS_USER.key() + "; allowed: a password together with a user");
            }
        }

        @Override
        public String toString() {
            return "NatsAuth[user=" + user.orElse("") + ", password=" + (password.isPresent() ? Redaction.MASK : "")
                    + ", token=" + (token.isPresent() ? Redaction.MASK : "") + ", nkeyFile=" + nkeyFile.orElse(null)
                    + ", credsFile=" + credsFile.orElse(null) + "]";
        }
    }

    /**
     * TLS material for servers that require TLS: PEM files (CA, client certificate and key) or Java key stores,
     * one or the other; none means the JVM's default trust and no client certificate.
     */
    public record NatsTls(Optional<Path> truststore, Optional<String> truststorePassword, Optional<Path> keystore,
                          Optional<String> keystorePassword, Optional<Path> caFile, Optional<Path> certFile,
                          Optional<Path> keyFile) {
        public static final NatsTls NONE = new NatsTls(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        public NatsTls {
            List<String> pem = new ArrayList<>();
            caFile.ifPresent(f -> pem.add(GatewaySettings.NATS_TLS_CA_FILE.key()));
            certFile.ifPresent(f -> pem.add(GatewaySettings.NATS_TLS_CERT_FILE.key()));
            keyFile.ifPresent(f -> pem.add(GatewaySettings.NATS_TLS_KEY_FILE.key()));
            List<String> stores = new ArrayList<>();
            truststore.ifPresent(f -> stores.add(GatewaySettings.NATS_TLS_TRUSTSTORE.key()));
            keystore.ifPresent(f -> stores.add(GatewaySettings.NATS_TLS_KEYSTORE.key()));
            if (!pem.isEmpty() && !stores.isEmpty()) {
                throw new ConfigException("invalid NATS TLS: " + String.join(", ", pem) + " and "
                        + String.join(", ", stores) + " are both set; allowed: PEM files or key stores, not both");
            }
            if (certFile.isPresent() != keyFile.isPresent()) {
                throw new ConfigException("invalid NATS TLS: " + (certFile.isPresent()
                        ? GatewaySettings.NATS_TLS_CERT_FILE.key() + " is set without " + GatewaySettings.NATS_TLS_KEY_FILE.key()
                        : GatewaySettings.NATS_TLS_KEY_FILE.key() + " is set without " + GatewaySettings.NATS_TLS_CERT_FILE.key())
                        + "; allowed: both (mutual TLS) or neither");
            }
            if (!pem.isEmpty()) {
                try {
                    pemContext(caFile, certFile, keyFile); // read once now: a bad file stops the start, with its name
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("invalid NATS TLS (" + String.join(", ", pem) + "): " + e.getMessage(), e);
                }
            }
        }

        /** PEM files are set (then {@link #pemContext()} is the TLS context). */
        public boolean usesPem() {
            return caFile.isPresent() || certFile.isPresent();
        }

        /** A fresh TLS context from the PEM files; call only when {@link #usesPem()}. */
        public SSLContext pemContext() {
            return pemContext(caFile, certFile, keyFile);
        }

        private static SSLContext pemContext(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
            return PemTls.context(ca.orElse(null), cert.orElse(null), key.orElse(null));
        }

        @Override
        public String toString() {
            return "NatsTls[truststore=" + truststore.orElse(null) + ", keystore=" + keystore.orElse(null)
                    + ", caFile=" + caFile.orElse(null) + ", certFile=" + certFile.orElse(null) + ", keyFile="
                    + keyFile.orElse(null) + "]";
        }
    }
}
