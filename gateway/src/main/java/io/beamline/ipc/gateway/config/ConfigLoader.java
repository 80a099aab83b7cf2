package io.beamline.ipc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.beamline.ipc.process.security.Redaction;
import io.beamline.ipc.process.security.SecretValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Layers the sources of configuration: defaults &lt; file (YAML or JSON) &lt; environment &lt; command line,
 * and reads typed values with messages that name the key, the bad value, where it came from and the range.
 */
public final class ConfigLoader {

    private record Raw(String value, String source) {
    }

    private final Map<String, Raw> raw = new LinkedHashMap<>();

    private ConfigLoader() {
    }

    /**
     * @param file      a YAML/JSON file, or {@code null}
     * @param env       the process environment
     * @param overrides values from command-line flags, by setting key
     */
    public static GatewayConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        return resolve(file, env, overrides).config();
    }

    /** Like {@link #load}, keeping where each value came from for {@link #describe()}. */
    public static ConfigLoader resolve(Path file, Map<String, String> env, Map<String, String> overrides) {
        ConfigLoader loader = new ConfigLoader();
        for (Setting<?> s : GatewaySettings.ALL) {
            loader.raw.put(s.key(), new Raw(s.defaultValue().apply(env), "default"));
        }
        if (file != null) {
            readFile(file).forEach((k, v) -> loader.raw.put(k, new Raw(v, "file " + file)));
        }
        for (Setting<?> s : GatewaySettings.ALL) {
            // Our own name wins over the C gateway's legacy name when both are set.
            for (String name : s.legacyEnv()) {
                loader.putEnv(s, name, env);
            }
            loader.putEnv(s, s.envName(), env);
        }
        overrides.forEach((k, v) -> {
            requireKnown(k, "command line");
            loader.raw.put(k, new Raw(v, "command line"));
        });
        return loader;
    }

    /** The typed configuration; throws {@link ConfigException} for the first bad value. */
    public GatewayConfig config() {
        return GatewayConfig.from(this);
    }

    /**
     * One line per setting: key, effective value, where it came from, its environment name, and
     * {@code restart} for a setting a SIGHUP reload does not change (docs/operations/reload.md).
     */
    public List<String> describe() {
        return GatewaySettings.ALL.stream()
                .map(s -> String.format("%-30s = %-40s # from %s; env %s%s", s.key(), shown(s),
                        raw.get(s.key()).source(), s.envName(), s.reloadable() ? "" : "; restart"))
                .toList();
    }

    /** The text of a setting as its source gave it (before parsing). */
    String rawValue(Setting<?> setting) {
        return raw.get(setting.key()).value();
    }

    /** This configuration with the values (and their sources) of {@code taken} from {@code other}. */
    ConfigLoader with(ConfigLoader other, List<Setting<?>> taken) {
        ConfigLoader merged = new ConfigLoader();
        merged.raw.putAll(raw);
        taken.forEach(s -> merged.raw.put(s.key(), other.raw.get(s.key())));
        return merged;
    }

    /** A setting's effective value as it may be shown (secrets masked, as {@link #describe()}) and its source. */
    public record Shown(String value, String source) {
    }

    /** Every setting, by key in declaration order: the effective value as {@link #describe()} shows it. */
    public Map<String, Shown> shown() {
        Map<String, Shown> out = new LinkedHashMap<>();
        for (Setting<?> s : GatewaySettings.ALL) {
            out.put(s.key(), new Shown(shown(s), raw.get(s.key()).source()));
        }
        return Collections.unmodifiableMap(out);
    }

    private String shown(Setting<?> s) {
        String v = raw.get(s.key()).value();
        if (v == null || v.isEmpty()) {
            return v;
        }
        // A file: reference names where the secret is, not the secret; a URL's user-info may hold one.
        return s.secret() && !SecretValue.isFileReference(v) ? Redaction.MASK : Redaction.urls(v);
    }

    /** The typed value of a setting, or a {@link ConfigException} that says what is wrong. */
    public <T> T get(Setting<T> setting) {
        Raw r = raw.get(setting.key());
        try {
            return setting.parse().apply(r.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid " + setting.key() + " = \"" + shown(setting) + "\" (from " + r.source()
                    + "): " + e.getMessage() + "; allowed: " + setting.allowed());
        }
    }

    private void putEnv(Setting<?> s, String name, Map<String, String> env) {
        String v = env.get(name);
        if (v != null) {
            raw.put(s.key(), new Raw(v, "environment " + name));
        }
    }

    private static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must hold a mapping of settings");
        }
        flatten("", root, out, file);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        node.fields().forEachRemaining(e -> {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key, v, out, file);
                return;
            }
            requireKnown(key, "file " + file);
            if (v.isArray()) {
                StringBuilder joined = new StringBuilder();
                v.forEach(item -> joined.append(joined.isEmpty() ? "" : ",").append(item.asText()));
                out.put(key, joined.toString());
            } else {
                out.put(key, v.asText());
            }
        });
    }

    /** A typo in a key must not be silently ignored. */
    private static void requireKnown(String key, String source) {
        boolean known = GatewaySettings.ALL.stream().anyMatch(s -> s.key().equals(key));
        if (!known) {
            String keys = GatewaySettings.ALL.stream().map(Setting::key)
                    .collect(Collectors.toCollection(TreeSet::new)).toString();
            throw new ConfigException("unknown setting '" + key + "' (from " + source + "); known settings: " + keys);
        }
    }
}
