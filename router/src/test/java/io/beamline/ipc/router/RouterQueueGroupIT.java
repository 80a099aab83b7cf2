package io.beamline.ipc.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Router processes in one queue group share the requests of a plain jnats client, and one of them
 * can be stopped with SIGTERM under load without losing a request: it answers what it received, exits 0,
 * and the other takes the rest. Who answered is read from the {@code Beamline-Router-Instance} reply header,
 * checked against the instances {@code $SRV.PING} reports.
 */
class RouterQueueGroupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(30);
    private static final int TOTAL = 2_000;
    private static final int IN_FLIGHT = 32;
    private static final String INSTANCE = "Beamline-Router-Instance";

    @TempDir
    Path dir;

    @Test
    void twoRouterProcessesShareRequestsAndOneStopsUnderLoadWithoutLosingAny() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             LauncherProcess kept = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url());
             LauncherProcess stopped = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url());
             Connection client = Nats.connect(nats.url())) {
            kept.awaitStdout("serving beamline.router.v1.decide", START);
            stopped.awaitStdout("serving beamline.router.v1.decide", START);
            Set<String> instances = pingInstances(client);
            assertThat(instances).hasSize(2);

            String inbox = client.createInbox();
            AtomicIntegerArray replies = new AtomicIntegerArray(TOTAL);
            AtomicReferenceArray<String> servedBy = new AtomicReferenceArray<>(TOTAL);
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            Semaphore window = new Semaphore(IN_FLIGHT);
            Dispatcher replyReader = client.createDispatcher(m -> {
                int i = Integer.parseInt(m.getSubject().substring(inbox.length() + 1));
                if (replies.incrementAndGet(i) > 1) {
                    problems.add("second reply to q" + i);
                    return;
                }
                servedBy.set(i, m.getHeaders() == null ? null : m.getHeaders().getFirst(INSTANCE));
                check(i, m, problems);
                answered.incrementAndGet();
                window.release();
            });
            replyReader.subscribe(inbox + ".*");
            client.flush(START);

            int stopAt = TOTAL / 2;
            int survivorOnlyFrom = TOTAL * 3 / 4;
            for (int i = 0; i < TOTAL; i++) {
                assertThat(window.tryAcquire(10, TimeUnit.SECONDS)).as("a reply frees the window (request %d)", i)
                        .isTrue();
                if (i == stopAt) {
                    stopped.terminate(); // SIGTERM while requests keep coming
                }
                if (i == survivorOnlyFrom) {
                    // From here on only the survivor can answer: the stopped Router must be gone.
                    await().atMost(START).until(() -> !stopped.isAlive());
                }
                client.publish("beamline.router.v1.decide", inbox + "." + i, body(i));
            }
            await().atMost(START).until(() -> answered.get() == TOTAL);
            assertThat(stopped.awaitExit(START)).as("exit code after SIGTERM").isZero();
            assertThat(stopped.stderr()).doesNotContain("drain did not complete", "ERROR");

            // A last round trip through the survivor, so that any stray extra reply would have arrived.
            assertThat(client.request("beamline.router.v1.decide", body(TOTAL), START)).isNotNull();
            assertThat(problems).isEmpty();
            Map<String, Integer> shares = new HashMap<>();
            for (int i = 0; i < TOTAL; i++) {
                assertThat(replies.get(i)).as("replies to q%d", i).isEqualTo(1);
                shares.merge(servedBy.get(i), 1, Integer::sum);
            }
            assertThat(shares.keySet()).as("replies name the $SRV instances").isEqualTo(instances);
            String survivor = servedBy.get(TOTAL - 1);
            for (int i = survivorOnlyFrom; i < TOTAL; i++) {
                assertThat(servedBy.get(i)).as("q%d, sent after the stop", i).isEqualTo(survivor);
            }
            instances.remove(survivor);
            String stoppedId = instances.iterator().next();
            assertThat(shares.get(stoppedId)).as("the stopped Router's share").isPositive();
            assertThat(shares.get(survivor)).as("the survivor's share").isPositive();
            assertThat(shares.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(TOTAL);
            assertThat(kept.isAlive()).isTrue();
        }
    }

    private static byte[] body(int i) {
        return ("{\"request_id\":\"q" + i + "\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"t\","
                + "\"payload\":{\"prompt\":\"Hello\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    private static void check(int i, Message m, ConcurrentLinkedQueue<String> problems) {
        try {
            JsonNode tree = JSON.readTree(m.getData());
            if (!tree.path("ok").asBoolean() || !("q" + i).equals(tree.at("/context/request_id").asText())) {
                problems.add("q" + i + " got " + tree);
            }
        } catch (IOException e) {
            problems.add("q" + i + " got no JSON: " + e.getMessage());
        }
    }

    /** The service ids of every Router that answers {@code $SRV.PING} (one reply per instance). */
    private static Set<String> pingInstances(Connection client) throws Exception {
        String inbox = client.createInbox();
        Subscription sub = client.subscribe(inbox);
        client.flush(START);
        client.publish("$SRV.PING.beamline-router", inbox, new byte[0]);
        Set<String> ids = new HashSet<>();
        while (ids.size() < 2) {
            Message m = sub.nextMessage(START);
            if (m == null) {
                break;
            }
            ids.add(JSON.readTree(m.getData()).get("id").asText());
        }
        sub.unsubscribe();
        return ids;
    }
}
