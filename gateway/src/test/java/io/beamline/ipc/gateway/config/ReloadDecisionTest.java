package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload does with the file as it is now: apply, keep for a restart, or refuse whole. */
class ReloadDecisionTest {

    @TempDir
    Path dir;

    private Path file;
    private Map<String, String> env = Map.of();
    private Map<String, String> flags = Map.of();

    private ConfigLoader startWith(String yaml) throws Exception {
        file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.resolve(file, env, flags);
    }

    private ReloadDecision reloadWith(ConfigLoader running, String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ReloadDecision.decide(running, () -> ConfigLoader.resolve(file, env, flags));
    }

    @Test
    void aChangedReloadableSettingIsApplied() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\nadmission: {max_in_flight: 50}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pid: 2}\nadmission: {max_in_flight: 50}\n");

        ReloadDecision.Apply apply = (ReloadDecision.Apply) d;
        assertThat(apply.changed()).containsExactly("ipc.max_connections_per_pid");
        assertThat(apply.needRestart()).isEmpty();
        assertThat(apply.config().ipc().limits().maxConnectionsPerPid()).isEqualTo(2);
        assertThat(apply.config().admission().maxInFlight()).isEqualTo(50);
    }

    @Test
    void severalChangesAreNamedInDeclarationOrder() throws Exception {
        ConfigLoader running = startWith("log: {level: info}\n");

        ReloadDecision d = reloadWith(running, """
                log: {level: debug}
                router: {timeout_ms: 2000, max_timeout_ms: 4000}
                ratelimit: {uid: {rate_per_s: 5}}
                ipc: {allowed_uids: [self]}
                """);

        ReloadDecision.Apply apply = (ReloadDecision.Apply) d;
        assertThat(apply.changed()).containsExactly("ipc.allowed_uids", "router.timeout_ms", "router.max_timeout_ms",
                "log.level", "ratelimit.uid.rate_per_s");
        assertThat(apply.config().logLevel()).isEqualTo("debug");
        assertThat(apply.config().router().timeout()).isEqualTo(Duration.ofMillis(2000));
        assertThat(apply.config().router().maxTimeout()).isEqualTo(Duration.ofMillis(4000));
        assertThat(apply.config().rateLimit().uid()).isEqualTo(RateLimitConfig.Rate.of(5, 0));
        assertThat(apply.config().ipc().allowedUids().allows(0, 1000)).as("root no longer listed").isFalse();
    }

    @Test
    void aRestartOnlySettingKeepsItsRunningValueAndIsNamed() throws Exception {
        ConfigLoader running = startWith("ipc: {socket_path: /tmp/a.sock, max_connections_per_pid: 8}\n");

        ReloadDecision d = reloadWith(running, """
                ipc: {socket_path: /tmp/b.sock, max_connections_per_pid: 3}
                nats: {url: "nats://127.0.0.1:4999"}
                """);

        ReloadDecision.Apply apply = (ReloadDecision.Apply) d;
        assertThat(apply.needRestart()).containsExactly("ipc.socket_path", "nats.url");
        assertThat(apply.changed()).containsExactly("ipc.max_connections_per_pid");
        assertThat(apply.config().ipc().socketPath()).isEqualTo(Path.of("/tmp/a.sock"));
        assertThat(apply.config().nats().urls().toString()).isEqualTo("[nats://127.0.0.1:4222]");
        assertThat(apply.config().ipc().limits().maxConnectionsPerPid()).isEqualTo(3);

        // Still differs from what runs: the next reload says so again.
        ReloadDecision again = ReloadDecision.decide(apply.loader(), () -> ConfigLoader.resolve(file, env, flags));
        assertThat(((ReloadDecision.Apply) again).needRestart()).containsExactly("ipc.socket_path", "nats.url");
        assertThat(((ReloadDecision.Apply) again).changed()).isEmpty();
    }

    @Test
    void theSameValueWrittenAnotherWayIsNoChange() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 64}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pid: \"064\"}\n");

        assertThat(((ReloadDecision.Apply) d).changed()).isEmpty();
        assertThat(((ReloadDecision.Apply) d).needRestart()).isEmpty();
    }

    @Test
    void theEnvironmentStillWinsOverTheFile() throws Exception {
        env = Map.of("BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID", "16");
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pid: 2}\n");

        assertThat(((ReloadDecision.Apply) d).changed()).isEmpty();
        assertThat(((ReloadDecision.Apply) d).config().ipc().limits().maxConnectionsPerPid()).isEqualTo(16);
    }

    @Test
    void aValueOutOfRangeRefusesTheWholeFile() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pid: 2, max_connections_per_uid: 0}\n");

        assertThat(d).isInstanceOf(ReloadDecision.Refused.class);
        assertThat(((ReloadDecision.Refused) d).problem()).isEqualTo("invalid ipc.max_connections_per_uid = \"0\" "
                + "(from file " + file + "): out of range; allowed: an integer in 1..65536");
    }

    @Test
    void aBadRestartOnlyValueRefusesTheReloadableChangesToo() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pid: 2}\nnats: {pool_size: 99}\n");

        assertThat(((ReloadDecision.Refused) d).problem()).startsWith("invalid nats.pool_size = \"99\"");
    }

    @Test
    void aFileThatDoesNotParseIsRefused() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pid: 2\n");

        assertThat(((ReloadDecision.Refused) d).problem()).startsWith("cannot read config file " + file + ": ")
                .contains("line 2").doesNotContain("\n");
    }

    @Test
    void anUnknownKeyIsRefused() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\n");

        ReloadDecision d = reloadWith(running, "ipc: {max_connections_per_pidd: 2}\n");

        assertThat(((ReloadDecision.Refused) d).problem())
                .startsWith("unknown setting 'ipc.max_connections_per_pidd' (from file " + file + ")");
    }

    @Test
    void aBrokenCrossFieldRuleIsRefused() throws Exception {
        ConfigLoader running = startWith("router: {timeout_ms: 1000, max_timeout_ms: 2000}\n");

        ReloadDecision d = reloadWith(running, "router: {timeout_ms: 3000, max_timeout_ms: 2000}\n");

        assertThat(((ReloadDecision.Refused) d).problem())
                .isEqualTo("invalid router.max_timeout_ms = 2000: below router.timeout_ms = 3000; allowed: "
                        + "an integer in 100..300000 (at least router.timeout_ms)");
    }

    @Test
    void aMissingFileIsRefused() throws Exception {
        ConfigLoader running = startWith("ipc: {max_connections_per_pid: 8}\n");
        Files.delete(file);

        ReloadDecision d = ReloadDecision.decide(running, () -> ConfigLoader.resolve(file, env, flags));

        assertThat(((ReloadDecision.Refused) d).problem()).startsWith("cannot read config file " + file);
    }
}
