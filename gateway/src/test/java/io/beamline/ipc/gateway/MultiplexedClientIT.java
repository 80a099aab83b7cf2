package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client on protocol v2 against the real gateway: many submits in flight on one connection, whose
 * Router replies come back in the opposite order, each answer matched to its own request.
 */
class MultiplexedClientIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SUBMITS = 200;

    /** The Router's reply for a request: its task's {@code n} is in the decision, so a misdelivery shows. */
    private static String decisionFor(Message m) {
        JsonNode req = Json.parseObject(m.getData());
        int n = req.path("task").path("payload").path("n").asInt();
        return "{\"context\":{\"request_id\":\"" + req.path("request_id").asText() + "\",\"trace_id\":\""
                + req.path("trace_id").asText() + "\"},\"decision\":{\"expected_cost\":0.0,\"expected_latency_ms\":0,"
                + "\"metadata\":{},\"priority\":50,\"provider_id\":\"p-" + n + "\",\"reason\":\"weighted\"},\"ok\":true}";
    }

    private static int n(Message m) {
        return Json.parseObject(m.getData()).path("task").path("payload").path("n").asInt();
    }

    @Test
    void twoHundredSubmitsOnOneV2ConnectionAnsweredInReverseEachGetItsOwnDecision(@TempDir Path dir) throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             ScriptedRouter router = new ScriptedRouter(nats.url());
             Gateway gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                     "ipc.socket_path", dir.resolve("gw.sock").toString(), "admin.port", "0",
                     "nats.url", nats.url(),
                     "router.timeout_ms", "20000", "router.max_timeout_ms", "20000")))) {
            await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
            // The Router holds every request until all have come, then replies to the newest first: in v1 the
            // gateway would have to hold the answers back in request order; in v2 each leaves when ready.
            List<Message> held = new ArrayList<>(); // only touched on the Router's dispatcher thread
            router.decide = m -> {
                held.add(m);
                if (held.size() == SUBMITS) {
                    held.sort(Comparator.comparingInt(MultiplexedClientIT::n).reversed());
                    held.forEach(h -> router.reply(h, decisionFor(h)));
                }
                return null;
            };

            try (IpcClient client = IpcClient.connect(gateway.socketPath())) {
                assertThat(client.protocolVersion()).isEqualTo(Frame.V2);
                List<Integer> answerOrder = new CopyOnWriteArrayList<>();
                List<CompletableFuture<TaskResponse>> submits = new ArrayList<>();
                for (int i = 0; i < SUBMITS; i++) {
                    int n = i;
                    CompletableFuture<TaskResponse> f = client.submit(Json.parseObject(("{\"task_type\":\"mx\","
                            + "\"payload\":{\"n\":" + n + "},\"task_id\":\"mx-" + n + "\"}").getBytes(StandardCharsets.UTF_8)));
                    submits.add(f);
                    f.whenComplete((ok, e) -> answerOrder.add(n));
                }

                for (int i = 0; i < SUBMITS; i++) {
                    TaskResponse answer = submits.get(i).get(30, TimeUnit.SECONDS);
                    String provider = "p-" + i;
                    assertThat(answer.taskId()).contains("mx-" + i);
                    assertThat(answer.decision()).hasValueSatisfying(d ->
                            assertThat(d.path("provider_id").asText()).isEqualTo(provider));
                }
                await().atMost(WAIT).until(() -> answerOrder.size() == SUBMITS);
                assertThat(answerOrder).as("answers came as each was ready, not in request order")
                        .isNotEqualTo(answerOrder.stream().sorted().toList());
                assertThat(answerOrder.indexOf(SUBMITS - 1)).as("the newest request's answer came before the oldest's")
                        .isLessThan(answerOrder.indexOf(0));
            }
        }
    }
}
