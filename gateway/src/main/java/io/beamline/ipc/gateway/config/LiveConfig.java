package io.beamline.ipc.gateway.config;

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

    private volatile GatewayConfig current;

    public LiveConfig(GatewayConfig initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    @Override
    public GatewayConfig get() {
        return current;
    }

    /** The current value of one part of the configuration, e.g. {@code live.view(GatewayConfig::admission)}. */
    public <T> Supplier<T> view(Function<GatewayConfig, T> part) {
        return () -> part.apply(current);
    }

    void set(GatewayConfig next) {
        current = Objects.requireNonNull(next, "next");
    }
}
