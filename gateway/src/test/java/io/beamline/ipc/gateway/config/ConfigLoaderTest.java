package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsNeedNothing() {
        GatewayConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.ipc().socketPath()).isEqualTo(Path.of("/tmp/beamline-gateway.sock"));
        assertThat(c.ipc().maxConnections()).isEqualTo(1024);
        assertThat(c.ipc().maxFrameBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.ipc().allowedUids().allows(0, 1000)).isTrue();
        assertThat(c.ipc().allowedUids().allows(1000, 1000)).isTrue();
        assertThat(c.ipc().allowedUids().allows(1001, 1000)).isFalse();
        assertThat(c.nats().urls()).hasSize(1);
        assertThat(c.router().subject()).isEqualTo("beamline.router.v1.decide");
        assertThat(c.router().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void socketDefaultsToTheUsersRuntimeDirectory() {
        GatewayConfig c = ConfigLoader.load(null, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), Map.of());
        assertThat(c.ipc().socketPath()).isEqualTo(Path.of("/run/user/1000/beamline/gateway.sock"));
    }

    @Test
    void precedenceIsDefaultsThenFileThenEnvironmentThenFlags() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                ipc:
                  max_connections: 10
                  max_frame_bytes: 2048
                  socket_path: /tmp/from-file.sock
                router:
                  timeout_ms: 1000
                """);
        GatewayConfig c = ConfigLoader.load(file,
                Map.of("BEAMLINE_IPC_MAX_FRAME_BYTES", "4096", "CGW_IPC_TIMEOUT_MS", "2000",
                        "BEAMLINE_IPC_SOCKET_PATH", "/tmp/from-env.sock"),
                Map.of("ipc.socket_path", "/tmp/from-flag.sock"));
        assertThat(c.ipc().maxConnections()).as("file over default").isEqualTo(10);
        assertThat(c.ipc().maxFrameBytes()).as("env over file").isEqualTo(4096);
        assertThat(c.router().timeout()).as("legacy env over file").isEqualTo(Duration.ofSeconds(2));
        assertThat(c.ipc().socketPath()).as("flag over env").isEqualTo(Path.of("/tmp/from-flag.sock"));
    }

    @Test
    void ourEnvironmentNameWinsOverTheLegacyOne() {
        GatewayConfig c = ConfigLoader.load(null,
                Map.of("CGW_IPC_MAX_CONNECTIONS", "10", "BEAMLINE_IPC_MAX_CONNECTIONS", "20"), Map.of());
        assertThat(c.ipc().maxConnections()).isEqualTo(20);
    }

    @Test
    void listsInTheFileMayBeYamlSequences() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "ipc:\n  allowed_uids: [self, 1001]\nnats:\n  url: [nats://127.0.0.1:4222, nats://127.0.0.1:4223]\n");
        GatewayConfig c = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(c.ipc().allowedUids().allows(1001, 5)).isTrue();
        assertThat(c.ipc().allowedUids().allows(0, 5)).isFalse();
        assertThat(c.nats().urls()).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ipc.max_connections | 0          | 1..65536",
        "ipc.max_connections | lots       | 1..65536",
        "ipc.max_frame_bytes | 5000000    | 1024..4194304",
        "ipc.socket_path     | relative.sock | absolute path",
        "ipc.allowed_uids    | root       | comma-separated list",
        "nats.url            | http://x   | nats://",
        "router.subject      | a.*.b      | without wildcards",
        "router.timeout_ms   | 99         | 100..300000",
        "log.level           | loud       | trace, debug",
        "router.tenant_by_uid | 1000       | uid=tenant",
        "admin.port          | 70000      | 0..65535",
    })
    void aBadValueIsNamedWithItsSourceAndRange(String key, String value, String range) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("\"" + value + "\"")
                .hasMessageContaining("command line")
                .hasMessageContaining(range);
    }

    @Test
    void printedConfigurationNeverShowsSecretsNotEvenInsideUrls() {
        List<String> lines = ConfigLoader.resolve(null, Map.of("BEAMLINE_NATS_TOKEN", "tok-123"),
                Map.of("nats.url", "nats://alice:s3cret@127.0.0.1:4222,nats://127.0.0.1:4223")).describe();
        assertThat(String.join("\n", lines)).doesNotContain("s3cret", "tok-123")
                .contains("nats://alice:****@127.0.0.1:4222,nats://127.0.0.1:4223");
    }

    @Test
    void tenantsByUidAreParsed() {
        GatewayConfig c = ConfigLoader.load(null, Map.of("BEAMLINE_ROUTER_TENANT_BY_UID", "1000=acme, 1001=beta"), Map.of());
        assertThat(c.router().tenantFor(1000)).isEqualTo("acme");
        assertThat(c.router().tenantFor(1001)).isEqualTo("beta");
        assertThat(c.router().tenantFor(7)).isEqualTo("default_tenant");
    }

    @Test
    void aTooLongSocketPathIsRejectedBeforeBind() {
        String longPath = "/tmp/" + "x".repeat(120) + ".sock";
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CGW_IPC_SOCKET_PATH", longPath), Map.of()))
                .hasMessageContaining("ipc.socket_path").hasMessageContaining("environment CGW_IPC_SOCKET_PATH")
                .hasMessageContaining("106 bytes");
    }

    @Test
    void aSocketPathOf106BytesIsTheLongestAccepted() {
        String path106 = "/tmp/" + "x".repeat(96) + ".sock";
        String path107 = "/tmp/" + "x".repeat(97) + ".sock";
        assertThat(path106).hasSize(106);
        assertThat(ConfigLoader.load(null, Map.of("CGW_IPC_SOCKET_PATH", path106), Map.of()).ipc().socketPath())
                .hasToString(path106);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CGW_IPC_SOCKET_PATH", path107), Map.of()))
                .hasMessageContaining("longer than 106 bytes");
    }

    @Test
    void anUnknownKeyInTheFileIsAnErrorNotIgnored() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "ipc:\n  max_conections: 10\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessageContaining("unknown setting 'ipc.max_conections'").hasMessageContaining(file.toString())
                .hasMessageContaining("ipc.max_connections");
    }

    @Test
    void aMissingOrMalformedFileIsAClearError() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "ipc: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yaml");
    }

    @Test
    void everySettingHasADefaultThatParses() {
        Map<String, String> env = Map.of();
        ConfigLoader.load(null, env, Map.of());
        for (Setting<?> s : GatewaySettings.ALL) {
            assertThat(s.parse().apply(s.defaultValue().apply(env))).as(s.key()).isNotNull();
            assertThat(s.envName()).startsWith("BEAMLINE_");
        }
    }
}
