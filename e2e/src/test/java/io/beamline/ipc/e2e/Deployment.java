package io.beamline.ipc.e2e;

import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One deployment as users run it: a private nats-server, a reference Router and a gateway, each a real
 * process started by its launcher. Closed in reverse order; the gateway must stop with exit code 0.
 */
final class Deployment implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final NatsServerProcess nats;
    final LauncherProcess router;
    final LauncherProcess gateway;
    final Path socket;

    private Deployment(NatsServerProcess nats, LauncherProcess router, LauncherProcess gateway, Path socket) {
        this.nats = nats;
        this.router = router;
        this.gateway = gateway;
        this.socket = socket;
    }

    /** @param routerArgs the Router's arguments, or {@code null} for a deployment without a Router */
    static Deployment start(Path dir, List<String> routerArgs, List<String> gatewayArgs) {
        return start(dir, routerArgs, gatewayArgs, Map.of());
    }

    /**
     * A scenario that produces Router failures on purpose sets the breaker aside this way, so that each
     * failure reaches the client as itself rather than as {@code circuit_open}.
     */
    static final Map<String, String> BREAKER_ASIDE = Map.of("BEAMLINE_BREAKER_WINDOW_SIZE", "1000",
            "BEAMLINE_BREAKER_MINIMUM_CALLS", "1000");

    /** @param gatewayEnv extra environment of the gateway process (BEAMLINE_* settings) */
    static Deployment start(Path dir, List<String> routerArgs, List<String> gatewayArgs,
                            Map<String, String> gatewayEnv) {
        NatsServerProcess nats = NatsServerProcess.start();
        LauncherProcess router = null;
        LauncherProcess gateway = null;
        try {
            if (routerArgs != null) {
                List<String> r = new ArrayList<>(List.of("--nats", nats.url()));
                r.addAll(routerArgs);
                router = LauncherProcess.start("ipc-router", dir, Map.of(), r.toArray(String[]::new));
                router.awaitStdout("serving", START);
            }
            Path socket = dir.resolve("gw.sock");
            List<String> g = new ArrayList<>(List.of("--nats", nats.url(), "--socket", socket.toString()));
            g.addAll(gatewayArgs);
            gateway = LauncherProcess.start("ipc-gateway", dir, gatewayEnv, g.toArray(String[]::new));
            gateway.awaitStdout("listening on", START);
            return new Deployment(nats, router, gateway, socket);
        } catch (RuntimeException | Error e) {
            // A half-started deployment is stopped here: its processes would outlive the test JVM.
            try (nats; LauncherProcess r = router; LauncherProcess gw = gateway) {
                throw e;
            }
        }
    }

    static Deployment start(Path dir) {
        return start(dir, List.of(), List.of());
    }

    /** Runs the CLI against this gateway and waits for it to exit. */
    LauncherProcess cli(Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        LauncherProcess p = LauncherProcess.start("ipc", dir, Map.of(), all.toArray(String[]::new));
        p.awaitExit(START);
        return p;
    }

    /** One sample of the gateway's Prometheus metrics, e.g. {@code router_requests_pending}. */
    double metric(String name) {
        return metric(gateway, name);
    }

    /** One sample of a gateway process's metrics, from the admin port it printed at start. */
    static double metric(LauncherProcess gateway, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(scrape(gateway));
        if (!m.find()) {
            throw new AssertionError("no metric " + name + " in /metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    static String scrape(LauncherProcess gateway) {
        return adminGet(gateway, "/metrics");
    }

    /** The body of GET {@code path} on the gateway's admin endpoint (the port its banner printed). */
    static String adminGet(LauncherProcess gateway, String path) {
        Matcher port = Pattern.compile("admin: http://127\\.0\\.0\\.1:(\\d+)/").matcher(gateway.stdout());
        if (!port.find()) {
            throw new AssertionError("the gateway did not print its admin port:\n" + gateway.stdout());
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try (nats; LauncherProcess r = router) {
            gateway.terminate();
            int code = gateway.awaitExit(START);
            if (code != 0) {
                throw new AssertionError("gateway exited with " + code + "\n" + gateway.stderr());
            }
            if (gateway.stderr().contains("LEAK")) {
                throw new AssertionError("Netty leak report:\n" + gateway.stderr());
            }
        } finally {
            gateway.close();
        }
    }
}
