package io.beamline.ipc.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How to reach NATS: servers, pool size, reconnect pacing, credentials and TLS stores. */
public record NatsConfig(List<URI> urls, int poolSize, Duration reconnectWait, Duration reconnectJitter,
                         NatsAuth auth, NatsTls tls) {

    /** The defaults (one server, no auth, no TLS stores), for tests. */
    public static NatsConfig of(String url, int poolSize) {
        return new NatsConfig(List.of(URI.create(url)), poolSize, Duration.ofMillis(100), Duration.ofMillis(50),
                NatsAuth.NONE, NatsTls.NONE);
    }

    /** At most one way of authenticating is used: creds file, then token, then user/password. */
    public record NatsAuth(Optional<String> user, Optional<String> password, Optional<String> token,
                           Optional<Path> credsFile) {
        public static final NatsAuth NONE = new NatsAuth(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        @Override
        public String toString() {
            return "NatsAuth[user=" + user.orElse("") + ", password=" + (password.isPresent() ? "****" : "")
                    + ", token=" + (token.isPresent() ? "****" : "") + ", credsFile=" + credsFile.orElse(null) + "]";
        }
    }

    /** Key and trust stores for tls:// servers; none set means the JVM's default trust. */
    public record NatsTls(Optional<Path> truststore, Optional<String> truststorePassword, Optional<Path> keystore,
                          Optional<String> keystorePassword) {
        public static final NatsTls NONE = new NatsTls(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        @Override
        public String toString() {
            return "NatsTls[truststore=" + truststore.orElse(null) + ", keystore=" + keystore.orElse(null) + "]";
        }
    }
}
