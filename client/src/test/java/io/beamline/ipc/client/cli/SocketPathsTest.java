package io.beamline.ipc.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketPathsTest {

    @Test
    void newVariableWinsOverLegacyAndRuntimeDir() {
        assertThat(SocketPaths.resolve(Map.of("BEAMLINE_IPC_SOCKET_PATH", "/a.sock", "CGW_IPC_SOCKET_PATH", "/b.sock",
                "XDG_RUNTIME_DIR", "/run/user/1"))).isEqualTo(Path.of("/a.sock"));
    }

    @Test
    void legacyVariableIsUsedWhenTheNewOneIsUnsetOrEmpty() {
        assertThat(SocketPaths.resolve(Map.of("BEAMLINE_IPC_SOCKET_PATH", "", "CGW_IPC_SOCKET_PATH", "/b.sock",
                "XDG_RUNTIME_DIR", "/run/user/1"))).isEqualTo(Path.of("/b.sock"));
    }

    @Test
    void runtimeDirThenTmp() {
        assertThat(SocketPaths.resolve(Map.of("XDG_RUNTIME_DIR", "/run/user/1")))
                .isEqualTo(Path.of("/run/user/1/beamline/gateway.sock"));
        assertThat(SocketPaths.resolve(Map.of())).isEqualTo(Path.of("/tmp/beamline-gateway.sock"));
    }
}
