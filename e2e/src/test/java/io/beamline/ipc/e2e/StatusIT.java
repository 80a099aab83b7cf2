package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.client.TaskStream;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /status} and {@code bin/ipc status} on real processes: a private nats-server, the reference Router
 * (with fault injection, to hold a request in flight and a stream open) and the gateway, each by its launcher.
 */
class StatusIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Given to the gateway as nats.token: it must not appear in /status or in the CLI's output. */
    private static final String TOKEN = "e2e-status-token-secret";

    @TempDir
    Path dir;

    private static ObjectNode submit(String tenant, String policy, boolean stream) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate").put("tenant_id", tenant)
                .put("policy_id", policy).put("deadline_ms", 60_000);
        if (stream) {
            p.put("stream", true);
        }
        p.putObject("payload").put("prompt", "Hello, world");
        return p;
    }

    private static JsonNode get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(TOKEN);
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void statusShowsTheLiveStateAndTheCliPrintsIt() throws Exception {
        Path slow = Files.createDirectories(dir.resolve("policies/slow"));
        Files.writeString(slow.resolve("stuck.json"), // held far longer than the test runs
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"delay_ms\":600000}}");
        Files.writeString(slow.resolve("stall.json"), // one chunk, then silence: the stream stays open
                "{\"providers\":[{\"name\":\"p\",\"weight\":100}],\"faults\":{\"stream_stall_after\":1}}");
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (Deployment d = Deployment.start(dir,
                List.of("--enable-faults", "--policies", dir.resolve("policies").toString()), List.of(),
                Map.of("BEAMLINE_NATS_TOKEN", TOKEN, "BEAMLINE_IPC_MAX_CONNECTIONS", "50",
                        "BEAMLINE_ADMISSION_MAX_IN_FLIGHT", "40", "BEAMLINE_STREAMS_IDLE_TIMEOUT_MS", "600000"));
             // A generous handshake: a gateway JVM just started on a busy CI machine may answer slowly.
             IpcClient client = IpcClient.connect(d.socket, IpcClientOptions.defaults()
                     .withConnectTimeout(Deployment.START).withRequestTimeout(Deployment.START))) {
            String adminUrl = client.capabilities().get().adminUrl();
            assertThat(adminUrl).as("CAPABILITIES name the admin endpoint").matches("http://127\\.0\\.0\\.1:\\d+");
            String status = adminUrl + "/status";
            await().until(() -> get(status).path("nats").path("connected").asInt() == 1);

            // Known traffic: two decisions, then one task held by the Router and one stream left open.
            for (int i = 0; i < 2; i++) {
                assertThat(client.submit(submit("default_tenant", "default", false)).get().decision()).isPresent();
            }
            CompletableFuture<TaskResponse> held = client.submit(submit("slow", "stuck", false));
            TaskStream stream = client.submitStream(submit("slow", "stall", true));
            stream.answer().get();
            await().until(() -> get(status).path("requests").path("router_pending").asInt() == 1);
            await().until(() -> get(status).path("backpressure").path("status").asText().equals("inactive"));

            JsonNode s = get(status);
            assertThat(s.path("pid").asLong()).isEqualTo(d.gateway.pid());
            assertThat(s.path("socket_path").asText()).isEqualTo(d.socket.toString());
            assertThat(s.path("admin_url").asText()).isEqualTo(adminUrl);
            assertThat(s.path("draining").asBoolean(true)).isFalse();
            assertThat(s.path("connections").path("open").asInt()).isEqualTo(1);
            assertThat(s.path("connections").path("max").asInt()).isEqualTo(50);
            assertThat(s.path("connections").path("by_uid").path(Integer.toString(uid)).asInt()).isEqualTo(1);
            // A stream's request stays open until the stream ends: the held task and the open stream.
            assertThat(s.path("requests").path("unanswered").asInt()).isEqualTo(2);
            assertThat(s.path("admission").path("in_flight").asInt()).isEqualTo(1);
            assertThat(s.path("admission").path("max_in_flight").asInt()).isEqualTo(40);
            assertThat(s.path("streams").path("active").asInt()).isEqualTo(1);
            assertThat(s.path("nats").path("servers").get(0).asText()).isEqualTo(d.nats.url());
            assertThat(s.path("nats").path("members").get(0).path("state").asText()).isEqualTo("CONNECTED");
            assertThat(s.path("breaker").path("state").asText()).isEqualTo("closed");
            assertThat(s.path("config").path("nats.token").path("value").asText()).isEqualTo("****");
            assertThat(s.path("config").path("nats.token").path("source").asText())
                    .isEqualTo("environment BEAMLINE_NATS_TOKEN");

            try (LauncherProcess cli = d.cli(dir, "status")) {
                assertThat(cli.awaitExit(Deployment.START)).as(cli.stderr()).isZero();
                // The CLI's own connection is open while it asks: two connections.
                assertThat(cli.stdout()).containsSubsequence("gateway\n", "  pid               " + d.gateway.pid(),
                        "connections\n", "  open              2 of 50\n",
                        "  unanswered        2 requests (1 waiting on the Router",
                        "NATS\n", "  connected         1 of 1\n", "breaker\n", "  state             closed\n",
                        "backpressure\n", "  status            inactive", "limits\n",
                        "  in flight         1 of 40 (0 refused)\n", "  streams           1 running of",
                        "settings not at their default\n", "nats.token = ****  (environment BEAMLINE_NATS_TOKEN)");
                assertThat(cli.stdout()).doesNotContain(TOKEN);
            }
            try (LauncherProcess cli = d.cli(dir, "--json", "status")) {
                assertThat(cli.awaitExit(Deployment.START)).as(cli.stderr()).isZero();
                assertThat(Json.mapper().readTree(cli.stdout()).path("pid").asLong()).isEqualTo(d.gateway.pid());
            }
            assertThat(held).as("premise: still held by the Router").isNotDone();
            stream.cancel();
        }
    }

    @Test
    void withTheAdminEndpointOffTheCliSaysHowToTurnItOn() {
        try (Deployment d = Deployment.start(dir, null, List.of(), Map.of("BEAMLINE_ADMIN_ENABLED", "false"));
             LauncherProcess cli = d.cli(dir, "status")) {
            assertThat(cli.awaitExit(Deployment.START)).isEqualTo(6);
            assertThat(cli.stdout()).isEmpty();
            assertThat(cli.stderr()).contains("has no admin endpoint", "admin.enabled=true");
        }
    }

    @Test
    void withNoGatewayAtTheSocketTheCliSaysSo() {
        try (LauncherProcess cli = LauncherProcess.start("ipc", dir, Map.of(), "--socket",
                dir.resolve("nobody.sock").toString(), "status")) {
            assertThat(cli.awaitExit(Deployment.START)).isEqualTo(3);
            assertThat(cli.stderr()).contains("nobody.sock", "is the gateway running?");
        }
    }
}
