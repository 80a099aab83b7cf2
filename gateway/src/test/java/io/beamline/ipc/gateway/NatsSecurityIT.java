package io.beamline.ipc.gateway;

import static io.beamline.ipc.gateway.RouterPathIT.errorOf;
import static io.beamline.ipc.gateway.RouterPathIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.process.security.PemTls;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.TestPki;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.JwtUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The gateway against real nats-server processes that require TLS or credentials: each way of
 * authenticating connects and a submit round-trips to a Router on the same server; a wrong CA or wrong
 * credentials are named in one log line, the gateway is not ready, keeps running and keeps retrying; no
 * secret ever appears in a log line or in --print-config.
 */
class NatsSecurityIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What ScriptedRouter decides for a submit of the default tenant, written out. */
    private static final ObjectNode SCRIPTED_DECISION = json("{\"expected_cost\":0.0,\"expected_latency_ms\":0,"
            + "\"metadata\":{\"executed_extensions\":[],\"tenant_id\":\"default_tenant\"},\"priority\":50,"
            + "\"provider_id\":\"openai\",\"reason\":\"weighted\"}");
    private static final String URL_PASSWORD = "url-pw-Zq81x";
    private static final String TOKEN = "tok-Kd93mv";
    private static final String FILE_PASSWORD = "file-pw-Hs72c";

    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void certificates() {
        pki = TestPki.create(pkiDir);
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logs);
        logs.stop();
    }

    @Test
    void mutualTlsWithPemFilesRoundTrips() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(pki.natsTlsBlock(true));
             Gateway gateway = gateway(nats.url(), Map.of("nats.tls.ca_file", pki.caCert.toString(),
                     "nats.tls.cert_file", pki.clientCert.toString(),
                     "nats.tls.key_file", pki.clientKeyPkcs8.toString()));
             ScriptedRouter router = new ScriptedRouter(new Options.Builder().server(nats.url())
                     .sslContext(PemTls.context(pki.caCert, pki.rsaClientCert, pki.rsaClientKeyPkcs1)))) {
            await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
            assertRoundTrip(gateway);
            assertThat(ready(gateway).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWrongCaIsNamedOnceInTheLogAndTheGatewayStaysUpNotReady() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(pki.natsTlsBlock(false));
             Gateway gateway = gateway(nats.url(), Map.of("nats.tls.ca_file", pki.wrongCaCert.toString()))) {
            await().atMost(WAIT).until(() -> messages().stream().anyMatch(m ->
                    m.startsWith("NATS connection 0 cannot connect: TLS handshake failed: unknown CA")));
            // Retried, and the same cause is not logged again at warn.
            await().atMost(WAIT).until(() -> messages().stream().anyMatch(m ->
                    m.startsWith("NATS connection 0 still cannot connect: TLS handshake failed: unknown CA")));
            assertThat(logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("unknown CA"))).hasSize(1);
            HttpResponse<String> ready = ready(gateway);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"ready\":false").contains("TLS handshake failed: unknown CA");
            assertNotReadyButServing(gateway);
        }
    }

    @Test
    void userAndPasswordInTheUrlConnectAndThePasswordIsNeverLoggedNorPrinted() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(
                "authorization { user: alice, password: \"" + URL_PASSWORD + "\" }\n")) {
            String url = "nats://alice:" + URL_PASSWORD + "@127.0.0.1:" + nats.port();
            try (Gateway gateway = gateway(url, Map.of());
                 ScriptedRouter router = new ScriptedRouter(url)) {
                await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
                assertRoundTrip(gateway);
                nats.restart(); // the reconnect line prints the URL too
                await().atMost(WAIT).until(() -> gateway.router().pool().reconnects() >= 1
                        && gateway.router().pool().connected() == 1);
                assertThat(messages()).anyMatch(m -> m.equals("NATS connection 0 connected to nats://alice:****@127.0.0.1:"
                        + nats.port()));
                assertThat(messages()).anyMatch(m -> m.startsWith("NATS connection 0 reconnected to nats://alice:****@"));
            }
            List<String> printed = ConfigLoader.resolve(null, Map.of(), Map.of("nats.url", url)).describe();
            assertThat(String.join("\n", printed)).doesNotContain(URL_PASSWORD);
            assertNoLogContains(URL_PASSWORD);
        }
    }

    @Test
    void aTokenFromAFileConnectsAndIsNeverLogged() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig("authorization { token: \"" + TOKEN + "\" }\n");
             Gateway gateway = gateway(nats.url(), Map.of("nats.token", "file:" + tokenFile));
             ScriptedRouter router = new ScriptedRouter(new Options.Builder().server(nats.url()).token(TOKEN.toCharArray()))) {
            await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
            assertRoundTrip(gateway);
        }
        assertNoLogContains(TOKEN);
    }

    @Test
    void anNkeySeedFileConnects() throws Exception {
        NKey user = NKey.createUser(new SecureRandom());
        Path seed = Files.writeString(dir.resolve("user.nk"), new String(user.getSeed()));
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig(
                "authorization { users = [ { nkey: " + new String(user.getPublicKey()) + " } ] }\n");
             Gateway gateway = gateway(nats.url(), Map.of("nats.nkey_file", seed.toString()));
             ScriptedRouter router = new ScriptedRouter(new Options.Builder().server(nats.url())
                     .authHandler(Nats.credentials(null, seed.toString())))) {
            await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
            assertRoundTrip(gateway);
        }
        assertNoLogContains(new String(NKey.fromSeed(Files.readString(seed).toCharArray()).getSeed()));
    }

    /**
     * Operator mode with nats-server alone: an operator and an account (JWTs made here with jnats' JwtUtils,
     * issued by the operator, preloaded into the server's memory resolver) and a user's creds file (user JWT
     * signed by the account + the user's seed).
     */
    @Test
    void aCredsFileConnectsToAServerInOperatorMode() throws Exception {
        NKey operator = NKey.createOperator(new SecureRandom());
        NKey account = NKey.createAccount(new SecureRandom());
        String operatorPub = new String(operator.getPublicKey());
        String accountPub = new String(account.getPublicKey());
        String operatorJwt = JwtUtils.issueJWT(operator, operatorPub, "test-operator", null,
                JwtUtils.currentTimeSeconds(), operatorPub, () -> "{\"type\":\"operator\",\"version\":2}");
        String accountJwt = JwtUtils.issueJWT(operator, accountPub, "test-account", null,
                JwtUtils.currentTimeSeconds(), operatorPub, () -> "{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,"
                        + "\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"conn\":-1,\"leaf\":-1},"
                        + "\"type\":\"account\",\"version\":2}");
        Path gatewayCreds = creds("gateway.creds", account);
        Path routerCreds = creds("router.creds", account);
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig("operator: \"" + operatorJwt + "\"\n"
                + "resolver: MEMORY\nresolver_preload: { " + accountPub + ": \"" + accountJwt + "\" }\n");
             Gateway gateway = gateway(nats.url(), Map.of("nats.creds_file", gatewayCreds.toString()));
             ScriptedRouter router = new ScriptedRouter(new Options.Builder().server(nats.url())
                     .authHandler(Nats.credentials(routerCreds.toString())))) {
            await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
            assertRoundTrip(gateway);
        }
    }

    private Path creds(String name, NKey account) throws Exception {
        NKey user = NKey.createUser(new SecureRandom());
        String jwt = JwtUtils.issueUserJWT(account, new String(account.getPublicKey()), new String(user.getPublicKey()));
        return Files.writeString(dir.resolve(name), String.format(JwtUtils.NATS_USER_JWT_FORMAT, jwt,
                new String(user.getSeed())));
    }

    @Test
    void wrongCredentialsAreNamedAndRetriedUntilTheServerTakesThem() throws Exception {
        Path conf = dir.resolve("nats.conf");
        Files.writeString(conf, "authorization { user: alice, password: \"another-password\" }\n");
        Path passwordFile = Files.writeString(dir.resolve("password"), FILE_PASSWORD);
        try (NatsServerProcess nats = NatsServerProcess.start("-c", conf.toString());
             Gateway gateway = gateway(nats.url(), Map.of("nats.user", "alice",
                     "nats.password", "file:" + passwordFile))) {
            await().atMost(WAIT).until(() -> messages().stream().anyMatch(m ->
                    m.startsWith("NATS connection 0 cannot connect: authorization violation")));
            HttpResponse<String> ready = ready(gateway);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("authorization violation");
            assertNotReadyButServing(gateway);
            // jnats gives a connection up after the second refusal in a row; the pool starts a new one.
            await().atMost(WAIT).until(() -> messages().stream().anyMatch(m ->
                    m.startsWith("NATS connection 0 was closed by the client library; connecting again")));
            assertThat(logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("cannot connect"))).as("one line per cause, not per attempt").hasSize(1);

            // The operator fixes the server's side: the gateway, still retrying, gets in by itself.
            Files.writeString(conf, "authorization { user: alice, password: \"" + FILE_PASSWORD + "\" }\n");
            nats.restart();
            try (ScriptedRouter router = new ScriptedRouter(new Options.Builder().server(nats.url())
                    .userInfo("alice", FILE_PASSWORD))) {
                await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
                assertThat(ready(gateway).statusCode()).isEqualTo(200);
                assertRoundTrip(gateway);
            }
        }
        assertNoLogContains(FILE_PASSWORD);
    }

    private Gateway gateway(String url, Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(settings);
        all.put("ipc.socket_path", dir.resolve("gw.sock").toString());
        all.put("admin.port", "0");
        all.put("nats.url", url);
        all.put("nats.reconnect_wait_ms", "50");
        all.put("backpressure.poll_interval_ms", "0");
        return Gateway.start(ConfigLoader.load(null, Map.of(), all));
    }

    private static void assertRoundTrip(Gateway gateway) throws Exception {
        try (IpcClient client = IpcClient.connect(gateway.socketPath())) {
            // The Router's subscription may still be on its way to the server: retry until it answers.
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(client.submit(
                    json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"secure\"}}")).get(5, TimeUnit.SECONDS)
                    .decision()).contains(SCRIPTED_DECISION));
        }
    }

    /** Not ready, but the process serves its socket: PING answers, a submit gets a retryable 503. */
    private static void assertNotReadyButServing(Gateway gateway) throws Exception {
        assertThat(gateway.router().pool().connected()).isZero();
        try (IpcClient client = IpcClient.connect(gateway.socketPath())) {
            assertThat(client.ping().get(10, TimeUnit.SECONDS)).isNotNull();
            IpcErrorException e = errorOf(client.submit(json("{\"task_type\":\"t\",\"payload\":{\"prompt\":\"x\"}}")));
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.reason()).isEqualTo("nats_unavailable");
        }
    }

    private static HttpResponse<String> ready(Gateway gateway) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.adminPort().getAsInt() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> messages() {
        return List.copyOf(logs.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Every captured line, its arguments and any stack trace included. */
    private void assertNoLogContains(String secret) {
        assertThat(logs.list).as("captured log lines").isNotEmpty();
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertThat(text).as("log line of %s", e.getLoggerName()).doesNotContain(secret);
        }
    }
}
