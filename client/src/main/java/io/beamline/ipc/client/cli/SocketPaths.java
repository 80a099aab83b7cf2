package io.beamline.ipc.client.cli;

import io.beamline.ipc.protocol.DefaultSocketPath;
import java.nio.file.Path;
import java.util.Map;

/** Where the gateway's socket is when {@code --socket} is not given. */
final class SocketPaths {

    static final String ENV = "BEAMLINE_IPC_SOCKET_PATH";
    /** The C gateway's name, still set in existing IDE setups. */
    static final String LEGACY_ENV = "CGW_IPC_SOCKET_PATH";
    static final String FALLBACK = DefaultSocketPath.LEGACY_PATH;

    private SocketPaths() {
    }

    /**
     * {@code $BEAMLINE_IPC_SOCKET_PATH}, else {@code $CGW_IPC_SOCKET_PATH}, else
     * {@code $XDG_RUNTIME_DIR/beamline/gateway.sock}, else {@code /tmp/beamline-gateway.sock}.
     * Empty variables count as unset.
     */
    static Path resolve(Map<String, String> env) {
        String explicit = nonBlank(env.get(ENV));
        if (explicit == null) {
            explicit = nonBlank(env.get(LEGACY_ENV));
        }
        if (explicit != null) {
            return Path.of(explicit);
        }
        return DefaultSocketPath.resolve(env);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
