package io.beamline.ipc.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a reload does with a configuration read again: refuse it whole when it is invalid, else apply the
 * reloadable settings that changed and keep the running value of each restart-only one that changed.
 * Pure: it reads the sources (through {@code reread}) and changes nothing.
 */
public sealed interface ReloadDecision {

    /** The new configuration is invalid; the running one stays as it is. */
    record Refused(String problem) implements ReloadDecision {
        /** On one line: a YAML parser's message points at the spot over several (excerpt, caret). */
        public Refused {
            problem = problem.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("^"))
                    .collect(Collectors.joining(" "));
        }
    }

    /**
     * @param loader      the configuration to run with from now on (its sources, for the next reload)
     * @param config      the same, typed: the running values of restart-only settings, the new ones of the rest
     * @param changed     reloadable settings whose value changed, in declaration order
     * @param needRestart restart-only settings whose value changed in the sources; their running value is kept
     */
    record Apply(ConfigLoader loader, GatewayConfig config, List<String> changed, List<String> needRestart)
            implements ReloadDecision {
        public Apply {
            changed = List.copyOf(changed);
            needRestart = List.copyOf(needRestart);
        }
    }

    /**
     * @param running the configuration the gateway runs with
     * @param reread  reads the sources again; may throw {@link ConfigException} (a file that does not parse,
     *                an unknown key)
     */
    static ReloadDecision decide(ConfigLoader running, Supplier<ConfigLoader> reread) {
        try {
            ConfigLoader next = reread.get();
            next.config(); // every value and cross-field rule of the new sources, restart-only ones included
            List<Setting<?>> changed = new ArrayList<>();
            List<String> needRestart = new ArrayList<>();
            for (Setting<?> s : GatewaySettings.ALL) {
                if (Objects.equals(running.rawValue(s), next.rawValue(s))) {
                    continue;
                }
                if (!s.reloadable()) {
                    needRestart.add(s.key());
                } else if (!Objects.equals(running.get(s), next.get(s))) { // "064" and "64" are no change
                    changed.add(s);
                }
            }
            ConfigLoader merged = running.with(next, changed);
            // Cross-field rules again: a new value beside a kept running one must still make sense.
            GatewayConfig config = merged.config();
            return new Apply(merged, config, changed.stream().map(Setting::key).toList(), needRestart);
        } catch (ConfigException e) {
            return new Refused(e.getMessage());
        }
    }
}
