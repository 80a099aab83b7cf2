package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.process.security.PemTls;
import io.beamline.ipc.process.security.Redaction;
import io.beamline.ipc.testkit.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nats.* security settings: PEM files, one auth kind, secrets from files, nothing secret printed. */
class NatsSecuritySettingsTest {

    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() {
        pki = TestPki.create(pkiDir);
    }

    private static GatewayConfig load(Map<String, String> flags) {
        return ConfigLoader.load(null, Map.of(), flags);
    }

    @Test
    void redactionMasksPasswordsAndTokensInUrlsAndLeavesTheRest() {
        assertThat(Redaction.urls("nats://alice:s3cret@127.0.0.1:4222")).isEqualTo("nats://alice:****@127.0.0.1:4222");
        assertThat(Redaction.urls("tls://tok-123@h:1,nats://bob:p%40ss@h2:2,nats://h3:3"))
                .isEqualTo("tls://****@h:1,nats://bob:****@h2:2,nats://h3:3");
        assertThat(Redaction.urls("connected to nats://127.0.0.1:4222")).isEqualTo("connected to nats://127.0.0.1:4222");
        assertThat(Redaction.urls("mail alice@example.org")).isEqualTo("mail alice@example.org");
        assertThat(Redaction.urls(null)).isNull();
    }

    @Test
    void natsConfigPrintsUrlsAndAuthWithoutSecrets() {
        GatewayConfig c = load(Map.of("nats.url", "nats://alice:s3cret@127.0.0.1:4222"));
        assertThat(c.nats().printableUrls()).isEqualTo("nats://alice:****@127.0.0.1:4222");
        assertThat(c.nats().toString()).doesNotContain("s3cret").contains("nats://alice:****@127.0.0.1:4222");
        GatewayConfig t = load(Map.of("nats.token", "tok-123"));
        assertThat(t.nats().toString()).doesNotContain("tok-123");
    }

    @Test
    void aSecretIsReadFromAFileWhenGivenAsFileColonPath() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "pa ss\n");
        Path token = Files.writeString(dir.resolve("token"), "tok-from-file");
        GatewayConfig c = load(Map.of("nats.user", "alice", "nats.password", "file:" + password));
        assertThat(c.nats().auth().password()).contains("pa ss");
        assertThat(load(Map.of("nats.token", "file:" + token)).nats().auth().token()).contains("tok-from-file");
        assertThat(load(Map.of("nats.token", "plain-token")).nats().auth().token()).contains("plain-token");
    }

    @Test
    void anUnreadableSecretFileIsAConfigErrorNamingTheFileNotTheSecret() {
        String missing = dir.resolve("no-such-file").toString();
        assertThatThrownBy(() -> load(Map.of("nats.token", "file:" + missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid nats.token = \"file:" + missing + "\"")
                .hasMessageContaining("cannot read the secret file " + missing);
    }

    @Test
    void printedConfigurationShowsSecretFileReferencesButNeverSecrets() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "tok-from-file");
        List<String> lines = ConfigLoader.resolve(null, Map.of("BEAMLINE_NATS_PASSWORD", "env-s3cret"),
                Map.of("nats.user", "alice", "nats.url", "nats://bob:url-s3cret@127.0.0.1:4222,nats://tok-in-url@h:1",
                        "nats.tls.keystore_password", "file:" + token)).describe();
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain("env-s3cret", "url-s3cret", "tok-in-url", "tok-from-file")
                .contains("nats://bob:****@127.0.0.1:4222,nats://****@h:1")
                .contains("file:" + token);
        assertThat(lines).anyMatch(l -> l.startsWith("nats.password") && l.contains("= ****"));
    }

    @Test
    void twoWaysOfAuthenticatingAreAConfigErrorNamingBoth() throws Exception {
        Path seed = Files.writeString(dir.resolve("seed.nk"), "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4");
        assertThatThrownBy(() -> load(Map.of("nats.token", "t", "nats.nkey_file", seed.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.token and nats.nkey_file are both set");
        assertThatThrownBy(() -> load(Map.of("nats.password", "p")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid nats.password: set without nats.user");
    }

    @Test
    void pemFilesAndKeyStoresTogetherAreAConfigErrorNamingTheSettings() {
        Map<String, String> flags = new HashMap<>();
        flags.put("nats.tls.ca_file", pki.caCert.toString());
        flags.put("nats.tls.truststore_path", pki.caCert.toString());
        assertThatThrownBy(() -> load(flags))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.tls.ca_file and nats.tls.truststore_path are both set");
        assertThatThrownBy(() -> load(Map.of("nats.tls.cert_file", pki.clientCert.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.tls.cert_file is set without nats.tls.key_file");
    }

    @Test
    void pemKeysLoadAsPkcs8Pkcs1RsaAndSec1Ec() {
        assertThat(PemTls.privateKey(pki.clientKeyPkcs8).getAlgorithm()).isEqualTo("EC");
        assertThat(PemTls.privateKey(pki.clientKeySec1).getAlgorithm()).isEqualTo("EC");
        assertThat(PemTls.privateKey(pki.rsaClientKeyPkcs1).getAlgorithm()).isEqualTo("RSA");
        // Each as the config takes it: certificate and key together.
        for (Path[] pair : new Path[][]{{pki.clientCert, pki.clientKeyPkcs8}, {pki.clientCert, pki.clientKeySec1},
                {pki.rsaClientCert, pki.rsaClientKeyPkcs1}}) {
            GatewayConfig c = load(Map.of("nats.tls.ca_file", pki.caCert.toString(),
                    "nats.tls.cert_file", pair[0].toString(), "nats.tls.key_file", pair[1].toString()));
            assertThat(c.nats().tls().usesPem()).isTrue();
            assertThat(c.nats().tls().pemContext().getProtocol()).isEqualTo("TLS");
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAConfigErrorNamingBothFiles() {
        assertThatThrownBy(() -> load(Map.of("nats.tls.cert_file", pki.clientCert.toString(),
                "nats.tls.key_file", pki.rsaClientKeyPkcs1.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the private key in " + pki.rsaClientKeyPkcs1
                        + " does not belong to the certificate in " + pki.clientCert);
    }

    @Test
    void aFileWithoutAKeyOrWithAnEncryptedKeyIsAClearError() throws Exception {
        assertThatThrownBy(() -> load(Map.of("nats.tls.cert_file", pki.clientCert.toString(),
                "nats.tls.key_file", pki.caCert.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(pki.caCert + " holds no PEM private key");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemTls.privateKey(encrypted))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(encrypted + " holds an encrypted private key");
        Path notPem = Files.writeString(dir.resolve("ca-garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> load(Map.of("nats.tls.ca_file", notPem.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.tls.ca_file");
    }
}
