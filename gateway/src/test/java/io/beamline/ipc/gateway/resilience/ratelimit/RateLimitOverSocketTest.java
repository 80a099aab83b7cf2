package io.beamline.ipc.gateway.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.Gateway;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refusal reaches a real client over the Unix socket of an in-process gateway, and is counted. */
class RateLimitOverSocketTest {

    @TempDir
    Path dir;

    private static JsonNode payload(Frame f) {
        return Json.parseObject(f.payloadAsString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSubmitOverTheUidsBurstGets429WithRetryAfter() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             Gateway g = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                     "ipc.socket_path", dir.resolve("gw.sock").toString(),
                     "nats.url", nats.url(),
                     "admin.port", "0",
                     "ratelimit.uid.rate_per_s", "1",
                     "ratelimit.uid.burst", "2")));
             RawIpcConnection c = RawIpcConnection.open(g.socketPath())) {
            await().until(() -> g.router().pool().connected() > 0);
            String submit = "{\"task_type\":\"t\",\"payload\":{\"prompt\":\"hi\"},\"tenant_id\":\"acme\"}";
            for (int i = 0; i < 3; i++) {
                c.send(RawIpcConnection.frame(MessageType.TASK_SUBMIT, submit));
            }
            List<JsonNode> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Frame f = c.read();
                assertThat(f.type()).isEqualTo(MessageType.RESPONSE_ERROR);
                answers.add(payload(f));
            }

            // No Router listens: the two admitted submits went to NATS and nobody took them (docs/PROTOCOL.md:
            // no_responders is 7 unavailable, 503, retryable), which is what an admitted submit gets here.
            assertThat(answers.subList(0, 2)).allSatisfy(a -> {
                assertThat(a.path("task_id").asText()).isNotBlank();
                JsonNode e = a.path("error");
                assertThat(e.path("code").asInt()).isEqualTo(7);
                assertThat(e.path("status").asInt()).isEqualTo(503);
                assertThat(e.path("reason").asText()).isEqualTo("no_responders");
                assertThat(e.path("retryable").asBoolean()).isTrue();
            });
            JsonNode limited = answers.get(2);
            assertThat(limited.path("task_id").asText()).isNotBlank();
            assertThat(limited.path("trace_id").asText()).matches("[0-9a-f]{32}");
            JsonNode error = limited.path("error");
            assertThat(error.path("code").asInt()).isEqualTo(9);
            assertThat(error.path("status").asInt()).isEqualTo(429);
            assertThat(error.path("reason").asText()).isEqualTo("rate_limited");
            assertThat(error.path("retryable").asBoolean()).isTrue();
            assertThat(error.path("retry_after_ms").asLong()).isBetween(1L, 1000L);
            assertThat(error.path("details").path("limit").asText()).isEqualTo("uid");

            assertThat(g.metrics().registry().scrape())
                    .contains("ratelimit_refused_total{limit=\"uid\"} 1.0")
                    .contains("ratelimit_refused_total{limit=\"tenant\"} 0.0")
                    .contains("ratelimit_redis_failures_total{behaviour=\"fail_open\"} 0.0")
                    .contains("ratelimit_buckets{limit=\"uid\"} 1.0");
        }
    }
}
