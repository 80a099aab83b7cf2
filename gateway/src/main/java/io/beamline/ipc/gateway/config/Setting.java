package io.beamline.ipc.gateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its name, default, and the kind of value it accepts.
 * The environment name is derived ({@code ipc.max_connections} → {@code BEAMLINE_IPC_MAX_CONNECTIONS});
 * The default may depend on the environment (the socket path does). {@code legacyEnv} lists the C gateway's names that are still honoured.
 *
 * @param kind the parser and the text of what it accepts; see {@link #allowed()} and {@link #parse()}
 * @param reloadable whether a SIGHUP reload applies a new value to the running gateway (else: after a restart)
 */
public record Setting<T>(String key, Function<Map<String, String>, String> defaultValue, ValueKind<T> kind,
                         List<String> legacyEnv, String description, boolean reloadable) {

    public Setting {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a setting needs a key");
        }
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(kind, "kind");
        legacyEnv = List.copyOf(legacyEnv);
        Objects.requireNonNull(description, "description");
    }

    /** A setting that needs a restart to change. */
    public Setting(String key, Function<Map<String, String>, String> defaultValue, ValueKind<T> kind,
                   List<String> legacyEnv, String description) {
        this(key, defaultValue, kind, legacyEnv, description, false);
    }

    /** What the setting accepts, in words; comes from {@link #kind()}, so it says what {@link #parse()} does. */
    public String allowed() {
        return kind.allowed();
    }

    /** Turns the raw text into a value; throws {@link IllegalArgumentException} when the text is outside {@link #allowed()}. */
    public Function<String, T> parse() {
        return kind::parse;
    }

    /** Passwords and tokens are never printed (--print-config shows them as ****). */
    public boolean secret() {
        return key.endsWith("password") || key.endsWith("token");
    }

    public String envName() {
        return "BEAMLINE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
