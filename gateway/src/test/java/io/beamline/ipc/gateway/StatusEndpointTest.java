package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.gateway.config.LiveConfig;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /status on the admin endpoint of an in-process gateway on a real NATS, and CAPABILITIES' admin_url. */
class StatusEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** In a NATS URL and a Redis URL: neither may appear anywhere in /status. */
    private static final String NATS_SECRET = "hunter2-nats-secret";
    private static final String REDIS_SECRET = "redis-secret-pw";

    @TempDir
    Path dir;

    private Gateway start(String natsUrl, Map<String, String> more) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of(
                "ipc.socket_path", dir.resolve("gw.sock").toString(),
                "nats.url", natsUrl,
                "admin.port", "0",
                "ipc.max_connections", "77",
                "ipc.max_connections_per_pid", "5",
                "ipc.max_connections_per_uid", "9",
                "admission.max_in_flight", "33",
                "streams.max_running", "12",
                "ratelimit.tenant.rate_per_s", "50",
                "ratelimit.tenant.burst", "70"));
        flags.put("ratelimit.redis.url", "redis://:" + REDIS_SECRET + "@127.0.0.1:6399");
        flags.putAll(more);
        ConfigLoader loaded = ConfigLoader.resolve(null, Map.of(), flags);
        return Gateway.start(new LiveConfig(loaded.config(), loaded.shown()));
    }

    private static HttpResponse<String> get(Gateway g, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort().orElseThrow() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(Gateway g) throws Exception {
        HttpResponse<String> r = get(g, "/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return Json.mapper().readTree(r.body());
    }

    @Test
    void statusShowsEachPartAndMasksEverySecret() throws Exception {
        int selfUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (NatsServerProcess nats = NatsServerProcess.start()) {
            int natsPort = URI.create(nats.url()).getPort();
            String natsUrl = "nats://statususer:" + NATS_SECRET + "@127.0.0.1:" + natsPort;
            try (Gateway g = start(natsUrl, Map.of());
                 RawIpcConnection c = RawIpcConnection.open(g.socketPath())) {
                c.send(Frame.of(MessageType.PING));
                assertThat(c.read().type()).isEqualTo(MessageType.PONG);
                await().untilAsserted(() -> assertThat(status(g).path("nats").path("connected").asInt()).isEqualTo(1));

                String body = get(g, "/status").body();
                assertThat(body).doesNotContain(NATS_SECRET).doesNotContain(REDIS_SECRET);
                JsonNode s = Json.mapper().readTree(body);

                assertThat(s.path("version").asText()).isEqualTo("dev");
                assertThat(s.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                assertThat(s.path("socket_path").asText()).isEqualTo(dir.resolve("gw.sock").toString());
                assertThat(s.path("admin_url").asText()).isEqualTo("http://127.0.0.1:" + g.adminPort().orElseThrow());
                assertThat(Instant.parse(s.path("started_at").asText())).isBeforeOrEqualTo(Instant.now());
                assertThat(s.path("uptime_ms").isIntegralNumber()).isTrue();
                assertThat(s.path("draining").asBoolean(true)).isFalse();

                JsonNode conns = s.path("connections");
                assertThat(conns.path("open").asInt()).isEqualTo(1);
                assertThat(conns.path("max").asInt()).isEqualTo(77);
                assertThat(conns.path("max_per_pid").asInt()).isEqualTo(5);
                assertThat(conns.path("max_per_uid").asInt()).isEqualTo(9);
                assertThat(conns.path("peer_processes").asInt()).isEqualTo(1);
                assertThat(conns.path("by_uid").path(Integer.toString(selfUid)).asInt()).isEqualTo(1);

                assertThat(s.path("requests").path("unanswered").asInt(-1)).isZero();
                assertThat(s.path("requests").path("router_pending").asInt(-1)).isZero();
                assertThat(s.path("admission").path("in_flight").asInt(-1)).isZero();
                assertThat(s.path("admission").path("max_in_flight").asInt()).isEqualTo(33);

                JsonNode n = s.path("nats");
                assertThat(n.path("servers").get(0).asText()).isEqualTo("nats://statususer:****@127.0.0.1:" + natsPort);
                assertThat(n.path("pool_size").asInt()).isEqualTo(1);
                assertThat(n.path("members").get(0).path("state").asText()).isEqualTo("CONNECTED");
                assertThat(n.path("members").get(0).path("connected_server").asText()).contains(":" + natsPort);
                assertThat(n.path("members").get(0).path("max_payload").asLong()).isEqualTo(1024 * 1024);
                assertThat(n.has("last_failure")).as("no failure while connected").isFalse();

                assertThat(s.path("breaker").path("state").asText()).isEqualTo("closed");
                assertThat(s.path("breaker").path("opened").asInt(-1)).isZero();
                // No Router on this NATS: the backpressure poll gets no answer.
                assertThat(s.path("backpressure").path("enabled").asBoolean()).isTrue();
                assertThat(s.path("backpressure").path("status").asText()).isEqualTo("unknown");

                JsonNode limits = s.path("rate_limits");
                assertThat(limits.path("enabled").asBoolean()).isTrue();
                assertThat(limits.path("tenant").path("per_second").asInt()).isEqualTo(50);
                assertThat(limits.path("tenant").path("burst").asInt()).isEqualTo(70);
                assertThat(limits.path("uid").path("per_second").asInt(-1)).isZero();
                assertThat(limits.path("redis_url").asText()).isEqualTo("redis://:****@127.0.0.1:6399");

                assertThat(s.path("streams").path("active").asInt(-1)).isZero();
                assertThat(s.path("streams").path("max_running").asInt()).isEqualTo(12);

                JsonNode natsSetting = s.path("config").path("nats.url");
                assertThat(natsSetting.path("value").asText()).isEqualTo("nats://statususer:****@127.0.0.1:" + natsPort);
                assertThat(natsSetting.path("source").asText()).isEqualTo("command line");
                assertThat(s.path("config").path("nats.password").path("value").asText()).as("not set").isEmpty();
                assertThat(s.path("config").path("ipc.max_connections").path("value").asText()).isEqualTo("77");
                assertThat(s.path("config").path("log.level").path("source").asText()).isEqualTo("default");
            }
        }
    }

    @Test
    void secretSettingsAreMaskedInTheConfigSummary() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway g = start(nats.url(), Map.of("nats.token", NATS_SECRET))) {
            String body = get(g, "/status").body();
            assertThat(body).doesNotContain(NATS_SECRET);
            assertThat(Json.mapper().readTree(body).path("config").path("nats.token").path("value").asText())
                    .isEqualTo("****");
        }
    }

    @Test
    void capabilitiesNameTheAdminEndpointWhenItIsOn() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway g = start(nats.url(), Map.of());
             RawIpcConnection c = RawIpcConnection.open(g.socketPath())) {
            c.send(Frame.of(MessageType.CAPABILITIES));
            JsonNode caps = Json.mapper().readTree(new String(c.read().payload(), StandardCharsets.UTF_8));
            assertThat(caps.path("admin_url").asText()).isEqualTo("http://127.0.0.1:" + g.adminPort().orElseThrow());
        }
    }

    @Test
    void capabilitiesHaveNoAdminUrlWhenTheEndpointIsOff() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway g = start(nats.url(), Map.of("admin.enabled", "false"));
             RawIpcConnection c = RawIpcConnection.open(g.socketPath())) {
            assertThat(g.adminPort()).isEmpty();
            c.send(Frame.of(MessageType.CAPABILITIES));
            JsonNode caps = Json.mapper().readTree(new String(c.read().payload(), StandardCharsets.UTF_8));
            assertThat(caps.has("protocol_versions")).isTrue();
            assertThat(caps.has("admin_url")).isFalse();
        }
    }
}
