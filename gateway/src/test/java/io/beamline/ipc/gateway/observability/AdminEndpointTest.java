package io.beamline.ipc.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beamline.ipc.gateway.Gateway;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Gateway start(String natsUrl) throws Exception {
        return Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "ipc.socket_path", dir.resolve("gw.sock").toString(),
                "nats.url", natsUrl,
                "admin.port", "0")));
    }

    private static HttpResponse<String> get(Gateway g, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort().orElseThrow() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsShowConnectionsPendingRequestsThreadsAndFileDescriptors() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway g = start(nats.url());
             RawIpcConnection c = RawIpcConnection.open(g.socketPath())) {
            c.send(Frame.of(MessageType.PING));
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);

            HttpResponse<String> r = get(g, "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("ipc_connections_open 1.0", "router_requests_pending 0.0",
                    "router_replies_late_total 0.0", "nats_connections_pool_size 1.0", "jvm_threads_live_threads",
                    "process_files_open_files", "ipc_answers_total{outcome=\"ok\",type=\"PING\"} 1.0");
        }
    }

    @Test
    void readyOnlyWhileNatsIsConnected() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway g = start(nats.url())) {
            await().untilAsserted(() -> assertThat(get(g, "/health/ready").statusCode()).isEqualTo(200));
            assertThat(get(g, "/health/ready").body()).contains("\"nats_connected\":1,\"nats_pool_size\":1");
            nats.stop();
            await().untilAsserted(() -> assertThat(get(g, "/health/ready").statusCode()).isEqualTo(503));
            assertThat(get(g, "/health/live").statusCode()).as("alive without NATS").isEqualTo(200);
        }
    }

    @Test
    void onlyGetIsServed() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(); Gateway g = start(nats.url())) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + g.adminPort().orElseThrow() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(405);
        }
    }
}
