package io.beamline.ipc.gateway.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration on request (SIGHUP): reads its sources again, decides ({@link ReloadDecision}) and
 * either puts the new configuration in {@link LiveConfig} as a whole or keeps the running one as a whole. Each
 * outcome is one log line. Reloads run one at a time on their own thread, made on the first request (an idle
 * gateway that is never reloaded holds no thread for it), never on the signal's thread.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final LiveConfig live;
    private final Supplier<ConfigLoader> reread;
    private final Consumer<GatewayConfig> applied;
    private final ExecutorService executor = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Thread.ofPlatform().name("config-reload").daemon().factory());
    private ConfigLoader running; // only on the reload thread (or a test's)

    /**
     * @param running the sources the gateway started with
     * @param reread  reads the same sources again (the file; the environment and flags of this process)
     * @param applied told of each configuration applied, on the reload thread, after {@code live} holds it
     *                (for what no part owns, e.g. the log level)
     */
    public ConfigReloader(LiveConfig live, ConfigLoader running, Supplier<ConfigLoader> reread,
                          Consumer<GatewayConfig> applied) {
        this.live = live;
        this.running = running;
        this.reread = reread;
        this.applied = applied;
    }

    /** From any thread (a signal handler's): the reload runs on the reload thread, after any before it. */
    public void requestReload() {
        executor.execute(this::reload);
    }

    /** Reloads now, on the calling thread; {@link #requestReload()} is the way in for a running gateway. */
    public synchronized ReloadDecision reload() {
        ReloadDecision decision = ReloadDecision.decide(running, reread);
        switch (decision) {
            case ReloadDecision.Refused r ->
                    LOG.error("configuration reload refused, the running configuration is kept: {}", r.problem());
            case ReloadDecision.Apply a -> {
                a.needRestart().forEach(key -> LOG.warn(
                        "{} changed; takes effect after a restart (the running value is kept)", key));
                running = a.loader();
                if (a.changed().isEmpty()) {
                    LOG.info("configuration unchanged{}", a.needRestart().isEmpty() ? ""
                            : " (" + a.needRestart().size() + " setting(s) changed need a restart)");
                } else {
                    live.set(a.config(), a.loader().shown());
                    applied.accept(a.config());
                    LOG.info("configuration reloaded: {} setting(s) changed: {}", a.changed().size(),
                            String.join(", ", a.changed()));
                }
            }
        }
        return decision;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
