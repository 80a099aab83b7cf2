package io.beamline.ipc.gateway.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The configuration the gateway runs with now: the one way a part reads a setting a reload may change. A part
 * is handed a view of its own record ({@link #view}) and reads it when it decides (a new connection, a new
 * request), so a reload changes what comes next and nothing in progress. Reading is one volatile load; only
 * {@link ConfigReloader} replaces the configuration, as a whole, so a reader never sees half of a reload.
 *
 * <p>Settings that need a restart keep their running values in every configuration held here, so a part may
 * read any of its record's fields through the view.
 */
public final class LiveConfig implements Supplier<GatewayConfig> {

    /** The configuration and the same as it may be shown (secrets masked): replaced together, read together. */
    private record Running(GatewayConfig config, Map<String, ConfigLoader.Shown> shown) {
    }

    private volatile Running current;

    public LiveConfig(GatewayConfig initial) {
        this(initial, Map.of());
    }

    /** @param shown every setting as {@link ConfigLoader#shown()} gives it: what {@code /status} reports */
    public LiveConfig(GatewayConfig initial, Map<String, ConfigLoader.Shown> shown) {
        this.current = new Running(Objects.requireNonNull(initial, "initial"), Objects.requireNonNull(shown, "shown"));
    }

    @Override
    public GatewayConfig get() {
        return current.config();
    }

    /** Every setting's value now as it may be shown (secrets masked), and its source; empty when not given. */
    public Map<String, ConfigLoader.Shown> shown() {
        return current.shown();
    }

    /** The current value of one part of the configuration, e.g. {@code live.view(GatewayConfig::admission)}. */
    public <T> Supplier<T> view(Function<GatewayConfig, T> part) {
        return () -> part.apply(current.config());
    }

    void set(GatewayConfig next, Map<String, ConfigLoader.Shown> shown) {
        current = new Running(Objects.requireNonNull(next, "next"), Objects.requireNonNull(shown, "shown"));
    }
}
