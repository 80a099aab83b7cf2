package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running configuration is replaced whole by a valid reload and left as it is by an invalid one. */
class ConfigReloaderTest {

    @TempDir
    Path dir;

    private final List<GatewayConfig> applied = new CopyOnWriteArrayList<>();
    private ConfigReloader reloader;

    @AfterEach
    void close() {
        if (reloader != null) {
            reloader.close();
        }
    }

    private LiveConfig start(Path file) {
        ConfigLoader loaded = ConfigLoader.resolve(file, Map.of(), Map.of());
        LiveConfig live = new LiveConfig(loaded.config());
        reloader = new ConfigReloader(live, loaded, () -> ConfigLoader.resolve(file, Map.of(), Map.of()),
                applied::add);
        return live;
    }

    @Test
    void aValidReloadReplacesTheLiveConfigurationAndTellsWhatNoPartOwns() throws Exception {
        Path file = Files.writeString(dir.resolve("g.yaml"), "ipc: {max_connections_per_pid: 8}\n");
        LiveConfig live = start(file);
        var pidCap = live.view(c -> c.ipc().limits().maxConnectionsPerPid());

        Files.writeString(file, "ipc: {max_connections_per_pid: 2}\nlog: {level: warn}\n");
        reloader.requestReload();

        await().until(() -> pidCap.get() == 2);
        assertThat(live.get().logLevel()).isEqualTo("warn");
        assertThat(applied).hasSize(1).first().isSameAs(live.get());
    }

    @Test
    void anInvalidReloadLeavesTheLiveConfigurationAsItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("g.yaml"), "ipc: {max_connections_per_pid: 8}\n");
        LiveConfig live = start(file);
        GatewayConfig before = live.get();

        Files.writeString(file, "ipc: {max_connections_per_pid: 2}\nadmission: {max_in_flight: 0}\n");
        ReloadDecision d = reloader.reload();

        assertThat(d).isInstanceOf(ReloadDecision.Refused.class);
        assertThat(live.get()).isSameAs(before);
        assertThat(applied).isEmpty();

        // The file fixed: the change that was refused with it now applies.
        Files.writeString(file, "ipc: {max_connections_per_pid: 2}\n");
        reloader.reload();
        assertThat(live.get().ipc().limits().maxConnectionsPerPid()).isEqualTo(2);
    }

    @Test
    void aReloadOfRestartOnlyChangesAloneLeavesTheLiveConfigurationAsItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("g.yaml"), "ipc: {io_threads: 1}\n");
        LiveConfig live = start(file);
        GatewayConfig before = live.get();

        Files.writeString(file, "ipc: {io_threads: 2}\n");
        ReloadDecision d = reloader.reload();

        assertThat(((ReloadDecision.Apply) d).needRestart()).containsExactly("ipc.io_threads");
        assertThat(live.get()).isSameAs(before);
        assertThat(live.get().ipc().ioThreads()).isEqualTo(1);
        assertThat(applied).isEmpty();
    }
}
