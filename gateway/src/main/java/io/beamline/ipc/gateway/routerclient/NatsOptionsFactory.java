package io.beamline.ipc.gateway.routerclient;

import io.beamline.ipc.gateway.config.NatsConfig;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.URI;
import java.time.Duration;

/** jnats options of one pooled connection, from the gateway's NATS settings. */
final class NatsOptionsFactory {

    private NatsOptionsFactory() {
    }

    static Options build(NatsConfig cfg, String name, ConnectionListener listener, ErrorListener errors) {
        Options.Builder b = new Options.Builder()
                .servers(cfg.urls().stream().map(URI::toString).toArray(String[]::new))
                .connectionName(name)
                .maxReconnects(-1)
                .reconnectWait(cfg.reconnectWait())
                .reconnectJitter(cfg.reconnectJitter())
                .reconnectJitterTls(cfg.reconnectJitter())
                // Nothing is buffered while disconnected: a request sent late, after its client gave up,
                // is worse than one failed at once. The pool only picks connected connections.
                .reconnectBufferSize(0)
                .connectionTimeout(Duration.ofSeconds(2))
                .connectionListener(listener)
                .errorListener(errors);
        NatsConfig.NatsAuth auth = cfg.auth();
        // The config allows one kind at most (NatsAuth); files are read again at each (re)connect.
        if (auth.credsFile().isPresent()) {
            b.authHandler(Nats.credentials(auth.credsFile().get().toString()));
        } else if (auth.nkeyFile().isPresent()) {
            b.authHandler(Nats.credentials(null, auth.nkeyFile().get().toString()));
        } else if (auth.token().isPresent()) {
            b.token(auth.token().get().toCharArray());
        } else if (auth.user().isPresent()) {
            b.userInfo(auth.user().get(), auth.password().orElse(""));
        }
        NatsConfig.NatsTls tls = cfg.tls();
        if (tls.usesPem()) {
            b.sslContext(tls.pemContext());
        } else {
            tls.truststore().ifPresent(p -> b.truststorePath(p.toString()));
            tls.truststorePassword().ifPresent(p -> b.truststorePassword(p.toCharArray()));
            tls.keystore().ifPresent(p -> b.keystorePath(p.toString()));
            tls.keystorePassword().ifPresent(p -> b.keystorePassword(p.toCharArray()));
        }
        return b.build();
    }
}
