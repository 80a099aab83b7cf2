package io.beamline.ipc.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.process.security.PemTls;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.TestPki;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/ipc-router against nats-server processes that require TLS and credentials: it serves over mutual TLS
 * from PEM files with a password in its URL, with a token from a file and with an NKey seed, never printing a
 * secret; a wrong CA or a wrong password stops it with one line that names the cause.
 */
class RouterNatsSecurityIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "router-pw-Tq48z";
    private static final String TOKEN = "router-tok-Lm27w";
    private static final byte[] DECIDE = ("{\"request_id\":\"s1\",\"tenant_id\":\"default_tenant\","
            + "\"policy_id\":\"default\",\"task\":{\"type\":\"t\",\"payload\":{\"prompt\":\"Hello\"}}}")
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() {
        pki = TestPki.create(pkiDir);
    }

    @Test
    void servesOverMutualTlsWithAPasswordInItsUrlAndNeverPrintsThePassword() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(pki.natsTlsBlock(true)
                + "authorization { user: alice, password: \"" + PASSWORD + "\" }\n")) {
            String url = "nats://alice:" + PASSWORD + "@127.0.0.1:" + nats.port();
            try (LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", url,
                    "--nats-tls-ca-file", pki.caCert.toString(), "--nats-tls-cert-file", pki.rsaClientCert.toString(),
                    "--nats-tls-key-file", pki.rsaClientKeyPkcs1.toString());
                 Connection client = Nats.connect(new Options.Builder().server(url)
                         .sslContext(PemTls.context(pki.caCert, pki.clientCert, pki.clientKeyPkcs8)).build())) {
                router.awaitStdout("serving beamline.router.v1.decide on nats://alice:****@127.0.0.1:" + nats.port(),
                        START);
                assertDecides(client);
                router.terminate();
                assertThat(router.awaitExit(START)).isZero();
                assertThat(router.stdout() + router.stderr()).doesNotContain(PASSWORD);
            }
        }
    }

    @Test
    void servesWithATokenFromAFileAndNeverPrintsIt() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig("authorization { token: \"" + TOKEN + "\" }\n");
             LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(),
                     "--nats-token", "file:" + tokenFile);
             Connection client = Nats.connect(new Options.Builder().server(nats.url()).token(TOKEN.toCharArray()).build())) {
            router.awaitStdout("serving beamline.router.v1.decide", START);
            assertDecides(client);
            router.terminate();
            assertThat(router.awaitExit(START)).isZero();
            assertThat(router.stdout() + router.stderr()).doesNotContain(TOKEN);
        }
    }

    @Test
    void servesWithAnNkeySeedFile() throws Exception {
        NKey user = NKey.createUser(new SecureRandom());
        Path seed = Files.writeString(dir.resolve("router.nk"), new String(user.getSeed()));
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(
                "authorization { users = [ { nkey: " + new String(user.getPublicKey()) + " } ] }\n");
             LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(),
                     "--nats-nkey-file", seed.toString());
             Connection client = Nats.connect(new Options.Builder().server(nats.url())
                     .authHandler(Nats.credentials(null, seed.toString())).build())) {
            router.awaitStdout("serving beamline.router.v1.decide", START);
            assertDecides(client);
        }
    }

    @Test
    void aWrongCaStopsTheStartWithTheCauseNamed() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(pki.natsTlsBlock(false));
             LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(),
                     "--nats-tls-ca-file", pki.wrongCaCert.toString())) {
            assertThat(router.awaitExit(START)).isEqualTo(1);
            assertThat(router.stderr()).contains("ipc-router: cannot connect to " + nats.url()
                    + ": TLS handshake failed: unknown CA");
        }
    }

    @Test
    void aWrongPasswordStopsTheStartWithTheCauseNamedAndNotThePassword() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), "not-" + PASSWORD);
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(
                "authorization { user: alice, password: \"" + PASSWORD + "\" }\n");
             LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(),
                     "--nats-user", "alice", "--nats-password", "file:" + passwordFile)) {
            assertThat(router.awaitExit(START)).isEqualTo(1);
            assertThat(router.stderr()).contains("ipc-router: cannot connect to " + nats.url()
                    + ": authorization violation");
            assertThat(router.stdout() + router.stderr()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void twoWaysOfAuthenticatingAreAUsageError() throws Exception {
        Path seed = Files.writeString(dir.resolve("x.nk"), "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4");
        assertThat(RouterMain.run("--nats-token", TOKEN, "--nats-nkey-file", seed.toString()))
                .isEqualTo(RouterMain.EXIT_USAGE);
    }

    private static void assertDecides(Connection client) throws Exception {
        Message reply = client.request("beamline.router.v1.decide", DECIDE, Duration.ofSeconds(10));
        assertThat(reply).isNotNull();
        JsonNode tree = JSON.readTree(reply.getData());
        assertThat(tree.path("ok").asBoolean()).isTrue();
        assertThat(tree.at("/context/request_id").asText()).isEqualTo("s1");
    }
}
