package io.beamline.ipc.e2e;

import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One deployment as users run it: a private nats-server, a reference Router and a gateway, each a real
 * process started by its launcher. Closed in reverse order; the gateway must stop with exit code 0.
 */
final class Deployment implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(60);

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

    static Deployment start(Path dir, List<String> routerArgs, List<String> gatewayArgs) {
        NatsServerProcess nats = NatsServerProcess.start();
        List<String> r = new ArrayList<>(List.of("--nats", nats.url()));
        r.addAll(routerArgs);
        LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), r.toArray(String[]::new));
        router.awaitStdout("serving", START);
        Path socket = dir.resolve("gw.sock");
        List<String> g = new ArrayList<>(List.of("--nats", nats.url(), "--socket", socket.toString()));
        g.addAll(gatewayArgs);
        LauncherProcess gateway = LauncherProcess.start("ipc-gateway", dir, Map.of(), g.toArray(String[]::new));
        gateway.awaitStdout("listening on", START);
        return new Deployment(nats, router, gateway, socket);
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

    @Override
    public void close() {
        try (nats; router) {
            gateway.terminate();
            int code = gateway.awaitExit(START);
            if (code != 0) {
                throw new AssertionError("gateway exited with " + code + "\n" + gateway.stderr());
            }
            if (gateway.stderr().contains("LEAK") || router.stderr().contains("LEAK")) {
                throw new AssertionError("Netty leak report:\n" + gateway.stderr());
            }
        } finally {
            gateway.close();
        }
    }
}
