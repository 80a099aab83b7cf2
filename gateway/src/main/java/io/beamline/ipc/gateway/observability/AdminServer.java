package io.beamline.ipc.gateway.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.beamline.ipc.protocol.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin endpoint, on loopback only: {@code /metrics} (Prometheus text), {@code /health/live} and
 * {@code /health/ready} (JSON; 503 when not ready). The JDK's HTTP server is enough for a scrape every few
 * seconds and keeps this off the IPC event loops.
 */
public final class AdminServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @param port 0 picks a free port */
    public static AdminServer start(int port, PrometheusMeterRegistry registry, Supplier<Readiness> readiness)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (BindException e) {
            throw new IOException("admin port 127.0.0.1:" + port + " is in use; set admin.port (0 = any free port)"
                    + " or admin.enabled=false", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health/live", ex -> respond(ex, 200, "application/json",
                "{\"status\":\"UP\"}"));
        server.createContext("/health/ready", ex -> {
            Readiness r = readiness.get();
            respond(ex, r.ready() ? 200 : 503, "application/json", new String(Json.write(r), StandardCharsets.UTF_8));
        });
        server.start();
        return new AdminServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:9477}: what CAPABILITIES tells clients as admin_url. */
    public String url() {
        String host = server.getAddress().getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /**
     * Serves {@code body} as JSON at {@code path} (GET only), made anew on the admin thread for each request:
     * the owners' state is read there, never on an event loop. A body that cannot be made answers 500.
     */
    public void serveJson(String path, Supplier<?> body) {
        server.createContext(path, ex -> {
            byte[] json;
            int status = 200;
            try {
                json = Json.write(body.get());
            } catch (RuntimeException e) {
                status = 500;
                json = Json.write(java.util.Map.of("error", e.getClass().getName())); // no message: it might hold a secret
            }
            respond(ex, status, "application/json", new String(json, StandardCharsets.UTF_8));
        });
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
