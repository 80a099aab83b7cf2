package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol v2 multiplexing end to end: 10,000 submits on one v2 connection to the real gateway and the real
 * Router, whose replies are delayed 0, 5, 20 or 60 ms (fault injection, one policy per delay, chosen at random
 * per submit). At most {@value #WINDOW} are in flight (the gateway's default per-connection cap). Every submit
 * is answered exactly once, under its own request id, with its own task and its own policy's decision; and the
 * answers come as they are ready, not in request order (docs/PROTOCOL.md, "Ordering and pipelining").
 */
class MultiplexingE2EIT {

    private static final String TENANT = "mux";
    private static final int[] DELAYS_MS = {0, 5, 20, 60};
    private static final int SUBMITS = 10_000;
    private static final int WINDOW = 256;
    /** Generous: an answer that does not come within this is missing, whatever the machine's load. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Frame submit(int requestId, int delayMs) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate").put("tenant_id", TENANT)
                .put("policy_id", "delay-" + delayMs).put("task_id", "mux-" + requestId);
        p.putObject("payload").put("prompt", "Hello, world");
        return Frame.v2(MessageType.TASK_SUBMIT, requestId, Json.write(p));
    }

    @Test
    void tenThousandSubmitsOnOneConnectionAreEachAnsweredOnceUnderTheirIdAsSoonAsReady() throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies").resolve(TENANT));
        for (int delay : DELAYS_MS) {
            // The provider's name says which policy decided: the answer is this request's, not another's.
            Files.writeString(policies.resolve("delay-" + delay + ".json"), "{\"providers\": [{\"name\": \"after-"
                    + delay + "ms\", \"weight\": 100}], \"faults\": {\"delay_ms\": " + delay + "}}");
        }
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int[] delayOf = new int[SUBMITS + 1];
        int[] answerPosition = new int[SUBMITS + 1]; // 0: not answered yet
        List<Integer> answerOrder = new ArrayList<>(SUBMITS);

        try (Deployment d = Deployment.start(dir,
                List.of("--enable-faults", "--policies", dir.resolve("policies").toString()), List.of());
             RawIpcConnection c = RawIpcConnection.open(d.socket)) {
            long started = System.nanoTime();
            int sent = 0;
            while (answerOrder.size() < SUBMITS) {
                while (sent < SUBMITS && sent - answerOrder.size() < WINDOW) {
                    sent++;
                    delayOf[sent] = DELAYS_MS[random.nextInt(DELAYS_MS.length)];
                    c.send(submit(sent, delayOf[sent]));
                }
                Frame f = c.read(WAIT);
                int id = f.requestId();
                assertThat(f.version()).isEqualTo(Frame.V2);
                assertThat(id).as("an answer to a request sent (seed %d): %s", seed, f).isBetween(1, sent);
                assertThat(answerPosition[id]).as("request %d answered twice (seed %d)", id, seed).isZero();
                assertThat(f.type()).as("request %d: %s", id, f.payloadAsString()).isEqualTo(MessageType.RESPONSE_OK);
                JsonNode answer = Json.parseObject(f.payload());
                assertThat(answer.path("task_id").asText()).as("request %d's task", id).isEqualTo("mux-" + id);
                assertThat(answer.path("decision").path("provider_id").asText()).as("request %d's policy", id)
                        .isEqualTo("after-" + delayOf[id] + "ms");
                answerOrder.add(id);
                answerPosition[id] = answerOrder.size();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // None missing (the loop got 10,000 distinct ids of 1..10,000), and nothing more is on its way.
            c.send(Frame.v2(MessageType.PING, SUBMITS + 1, new byte[0]));
            assertThat(c.read(WAIT)).isEqualTo(Frame.v2(MessageType.PONG, SUBMITS + 1, new byte[0]));

            // Out of request order: answers that came after the answer of a later request.
            int overtaken = 0;
            int highestAnswered = 0;
            for (int id : answerOrder) {
                if (id < highestAnswered) {
                    overtaken++;
                }
                highestAnswered = Math.max(highestAnswered, id);
            }
            // What the delays make certain: a 0 ms request answered before a 60 ms one sent shortly before it.
            boolean fastOvertookSlow = false;
            for (int slow = 1; slow <= SUBMITS && !fastOvertookSlow; slow++) {
                if (delayOf[slow] != 60) {
                    continue;
                }
                for (int fast = slow + 1; fast <= Math.min(SUBMITS, slow + 32); fast++) {
                    if (delayOf[fast] == 0 && answerPosition[fast] < answerPosition[slow]) {
                        fastOvertookSlow = true;
                        break;
                    }
                }
            }
            System.out.printf("MultiplexingE2EIT: %d submits in %d ms (seed %d), %d answered after a later "
                    + "request's answer%n", SUBMITS, took.toMillis(), seed, overtaken);
            assertThat(overtaken).as("answers out of request order (seed %d)", seed).isPositive();
            assertThat(fastOvertookSlow).as("a 0 ms request answered before an earlier-sent 60 ms one (seed %d)", seed)
                    .isTrue();
        }
    }
}
