package io.beamline.ipc.gateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One configuration key: its name, default, parser and the range it accepts.
 * The environment name is derived ({@code ipc.max_connections} → {@code BEAMLINE_IPC_MAX_CONNECTIONS});
 * The default may depend on the environment (the socket path does). {@code legacyEnv} lists the C gateway's names that are still honoured.
 *
 * @param parse turns the raw text into a value; throws {@link IllegalArgumentException} when the text is
 *              outside {@code allowed}
 */
public record Setting<T>(String key, Function<Map<String, String>, String> defaultValue, String allowed,
                         List<String> legacyEnv, String description, Function<String, T> parse) {

    /** A setting whose default does not depend on the environment. */
    public static <T> Setting<T> of(String key, String defaultValue, String allowed, List<String> legacyEnv,
                                    String description, Function<String, T> parse) {
        return new Setting<>(key, env -> defaultValue, allowed, legacyEnv, description, parse);
    }

    /** Passwords and tokens are never printed (--print-config shows them as ****). */
    public boolean secret() {
        return key.endsWith("password") || key.endsWith("token");
    }

    public String envName() {
        return "BEAMLINE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
