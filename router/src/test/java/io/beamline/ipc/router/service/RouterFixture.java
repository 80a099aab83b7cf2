package io.beamline.ipc.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.router.stream.StreamPublisher;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A private nats-server, an in-process Router on it and a plain jnats client, for one test class. Requests
 * go through a fresh inbox per call, so a test can tell "no reply yet" from "no reply at all".
 */
final class RouterFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(5);
    /**
     * How long "nothing more on a stream" is watched: many times the test streams' 5..50 ms pace, so a stream
     * that went on would be seen; a silence can only be observed for a while, never proved.
     */
    static final Duration QUIET = Duration.ofMillis(750);

    final NatsServerProcess nats;
    final Connection routerConnection;
    final RouterService router;
    final Connection client;

    private RouterFixture(NatsServerProcess nats, Connection routerConnection, RouterService router,
                          Connection client) {
        this.nats = nats;
        this.routerConnection = routerConnection;
        this.router = router;
        this.client = client;
    }

    /** @param configure applied to the defaults after the URL and policies directory are set */
    static RouterFixture start(Path policies, java.util.function.UnaryOperator<RouterConfig> configure)
            throws Exception {
        NatsServerProcess nats = NatsServerProcess.start();
        Connection routerConnection = Nats.connect(nats.url());
        RouterConfig config = configure.apply(RouterConfig.defaults().withNatsUrl(nats.url())
                .withPoliciesDir(policies));
        DecisionEngine engine = new DecisionEngine(PolicyStore.load(policies, JSON), new SplittableRandom(3),
                System::currentTimeMillis, DecisionEngine.Limits.DEFAULT);
        RouterService router = RouterService.start(routerConnection, config, engine);
        return new RouterFixture(nats, routerConnection, router, Nats.connect(nats.url()));
    }

    /** Writes {@code <dir>/<tenant>/<policy>.json} for each entry "tenant/policy" -> JSON text. */
    static Path policies(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey() + ".json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        return dir;
    }

    static String body(String requestId, String tenant, String policy) {
        return body(requestId, tenant, policy, false);
    }

    static String body(String requestId, String tenant, String policy, boolean stream) {
        return "{\"request_id\":\"" + requestId + "\",\"tenant_id\":\"" + tenant + "\",\"policy_id\":\"" + policy
                + "\",\"task\":{\"type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello\"}"
                + (stream ? ",\"stream\":true" : "") + "}}";
    }

    /** Publishes a decide request with its own inbox; read the reply with {@link Sent#reply(Duration)}. */
    Sent send(String body, Headers headers) throws Exception {
        String inbox = client.createInbox();
        Subscription sub = client.subscribe(inbox);
        client.flush(WAIT);
        long sentAt = System.nanoTime();
        client.publish(RouterService.DECIDE_SUBJECT, inbox, headers, body.getBytes(StandardCharsets.UTF_8));
        return new Sent(sub, sentAt);
    }

    /** The reply, which must come within {@link #WAIT}. */
    Message decide(String body, Headers headers) throws Exception {
        Message reply = send(body, headers).reply(WAIT);
        assertThat(reply).as("a reply within " + WAIT).isNotNull();
        return reply;
    }

    /** Subscribes to {@code beamline.router.v1.stream.<requestId>}; the server has it once this returns. */
    Subscription subscribeStream(String requestId) throws Exception {
        Subscription sub = client.subscribe("beamline.router.v1.stream." + requestId);
        client.flush(WAIT);
        return sub;
    }

    /** Every message of the stream, up to and including the end message, which must come within {@link #WAIT}. */
    static List<Message> readUntilEnd(Subscription sub) {
        List<Message> out = new CopyOnWriteArrayList<>();
        await("the stream's end message").atMost(WAIT).until(() -> {
            Message m = sub.nextMessage(Duration.ofMillis(100));
            if (m != null) {
                out.add(m);
            }
            return !out.isEmpty() && out.get(out.size() - 1).getHeaders().getFirst(StreamPublisher.END) != null;
        });
        return out;
    }

    /** The next {@code n} messages of a stream, which must come within {@link #WAIT}. */
    static List<Message> read(Subscription sub, int n) {
        List<Message> out = new CopyOnWriteArrayList<>();
        await(n + " stream messages").atMost(WAIT).until(() -> {
            Message m = sub.nextMessage(Duration.ofMillis(100));
            if (m != null) {
                out.add(m);
            }
            return out.size() >= n;
        });
        return out;
    }

    /** Nothing arrives on {@code sub} during {@link #QUIET}. */
    static void assertSilent(Subscription sub) {
        List<Message> late = new CopyOnWriteArrayList<>();
        await("no stream message for " + QUIET).during(QUIET).atMost(QUIET.plus(WAIT)).until(() -> {
            Message m = sub.nextMessage(Duration.ofMillis(20));
            if (m != null) {
                late.add(m);
            }
            return late.isEmpty();
        });
        assertThat(seqs(late)).as("stream messages after the silence began").isEmpty();
    }

    static int seq(Message m) {
        return Integer.parseInt(m.getHeaders().getFirst(StreamPublisher.SEQ));
    }

    static List<Integer> seqs(List<Message> stream) {
        return stream.stream().map(RouterFixture::seq).toList();
    }

    static String end(Message m) {
        return m.getHeaders().getFirst(StreamPublisher.END);
    }

    static JsonNode json(Message m) throws IOException {
        return JSON.readTree(m.getData());
    }

    record Sent(Subscription sub, long sentAtNanos) {
        /** The next reply within {@code wait}, or null. */
        Message reply(Duration wait) throws InterruptedException {
            return sub.nextMessage(wait);
        }

        long millisSinceSent() {
            return (System.nanoTime() - sentAtNanos) / 1_000_000;
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        router.close();
        routerConnection.close();
        nats.close();
    }
}
