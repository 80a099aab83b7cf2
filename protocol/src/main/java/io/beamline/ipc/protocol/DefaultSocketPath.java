package io.beamline.ipc.protocol;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where gateway and clients meet when nobody says otherwise: the user's private runtime directory,
 * else the C gateway's {@code /tmp/beamline-gateway.sock}. One rule, so server and clients agree.
 */
public final class DefaultSocketPath {

    public static final String LEGACY_PATH = "/tmp/beamline-gateway.sock";

    private DefaultSocketPath() {
    }

    public static Path resolve(Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute()) {
            return Path.of(runtime, "beamline", "gateway.sock");
        }
        return Path.of(LEGACY_PATH);
    }
}
