package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ipc.* limits of issue 11: defaults, every source, bad values refused with the key named. */
class IpcLimitsConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsLetAnEditorWorkAndStopOneRunawayProcess() {
        IpcLimits limits = ConfigLoader.load(null, Map.of(), Map.of()).ipc().limits();
        assertThat(limits.maxConnectionsPerPid()).isEqualTo(64);
        assertThat(limits.maxConnectionsPerUid()).isEqualTo(960);
        assertThat(limits.frameTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.idleTimeout()).as("off").isEqualTo(Duration.ZERO);
        assertThat(limits.idleTimeoutEnabled()).isFalse();
        assertThat(limits.maxBufferedBytes()).isEqualTo(67_108_864);
        assertThat(limits.resumeBufferedBytes()).isEqualTo(50_331_648);
    }

    @Test
    void environmentAndFileSetThem() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                ipc:
                  max_connections_per_pid: 8
                  idle_timeout_ms: 60000
                """);
        IpcLimits limits = ConfigLoader.load(file, Map.of(
                "BEAMLINE_IPC_MAX_CONNECTIONS_PER_UID", "100",
                "BEAMLINE_IPC_FRAME_TIMEOUT_MS", "2500",
                "BEAMLINE_IPC_MAX_BUFFERED_BYTES", "2097152",
                "BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID", "16"), Map.of()).ipc().limits();
        assertThat(limits.maxConnectionsPerPid()).as("env over file").isEqualTo(16);
        assertThat(limits.maxConnectionsPerUid()).isEqualTo(100);
        assertThat(limits.frameTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(limits.maxBufferedBytes()).isEqualTo(2_097_152);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID | 0       | invalid ipc.max_connections_per_pid = \"0\"",
            "BEAMLINE_IPC_MAX_CONNECTIONS_PER_UID | many    | invalid ipc.max_connections_per_uid = \"many\"",
            "BEAMLINE_IPC_FRAME_TIMEOUT_MS        | 99      | invalid ipc.frame_timeout_ms = \"99\"",
            "BEAMLINE_IPC_IDLE_TIMEOUT_MS         | 999     | invalid ipc.idle_timeout_ms = \"999\"",
            "BEAMLINE_IPC_MAX_BUFFERED_BYTES      | 1048575 | invalid ipc.max_buffered_bytes = \"1048575\"",
    })
    void badValuesStopTheGatewayNamingTheKey(String env, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(env, value), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void theRecordRefusesValuesNoSettingAllows() {
        assertThatThrownBy(() -> new IpcLimits(0, 1, Duration.ofSeconds(1), Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IpcLimits(1, 1, Duration.ZERO, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IpcLimits(1, 1, Duration.ofSeconds(1), Duration.ofSeconds(-1), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
