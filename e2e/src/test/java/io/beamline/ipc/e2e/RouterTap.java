package io.beamline.ipc.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * What the real Router says and hears on a deployment's NATS, seen by a plain subscriber beside it: the stream
 * messages it publishes for a task ({@code beamline.router.v1.stream.<task_id>}) and the cancel notices it gets
 * ({@code beamline.router.v1.cancel}). A plain subscription is not in the Router's queue group, so it takes
 * nothing away from the Router.
 */
final class RouterTap implements AutoCloseable {

    static final String STREAM_PREFIX = "beamline.router.v1.stream.";
    static final String CANCEL = "beamline.router.v1.cancel";

    /** One stream message as the Router published it. @param end its {@code Beamline-Stream-End}, or null */
    record StreamMessage(long seq, String end, byte[] data) {
        JsonNode body() {
            return Json.parseObject(data);
        }
    }

    private final Connection nc;
    private final Dispatcher dispatcher;
    private final Map<String, List<StreamMessage>> streams = new ConcurrentHashMap<>();
    private final List<JsonNode> cancelNotices = new CopyOnWriteArrayList<>();

    private RouterTap(Connection nc) {
        this.nc = nc;
        this.dispatcher = nc.createDispatcher(this::onMessage);
    }

    /** Listens to the cancel notices from now on. */
    static RouterTap on(Deployment deployment) {
        try {
            RouterTap tap = new RouterTap(Nats.connect(deployment.nats.url()));
            tap.dispatcher.subscribe(CANCEL);
            tap.flush();
            return tap;
        } catch (IOException e) {
            throw new AssertionError("cannot connect to the deployment's NATS", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Records the task's stream from now on: call before the submit, so that nothing is missed. */
    void watchStream(String taskId) {
        streams.put(taskId, new CopyOnWriteArrayList<>());
        dispatcher.subscribe(STREAM_PREFIX + taskId);
        flush();
    }

    private void flush() {
        try {
            nc.flush(Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            throw new AssertionError("NATS did not confirm the subscription", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void onMessage(Message m) {
        if (m.getSubject().equals(CANCEL)) {
            cancelNotices.add(Json.parseObject(m.getData()));
            return;
        }
        List<StreamMessage> stream = streams.get(m.getSubject().substring(STREAM_PREFIX.length()));
        if (stream != null) {
            stream.add(new StreamMessage(Long.parseLong(m.getHeaders().getFirst("Beamline-Stream-Seq")),
                    m.getHeaders().getFirst("Beamline-Stream-End"), m.getData()));
        }
    }

    /** Every message of the task's stream seen so far. */
    List<StreamMessage> stream(String taskId) {
        return List.copyOf(streams.get(taskId));
    }

    /** The Router's end message of the task's stream. */
    StreamMessage awaitEnd(String taskId, Duration wait) {
        return await("the Router's end of the stream of " + taskId).atMost(wait)
                .until(() -> stream(taskId).stream().filter(s -> s.end() != null).findFirst().orElse(null),
                        s -> s != null);
    }

    /** The first cancel notice the Router got for the task. */
    JsonNode awaitCancelNotice(String taskId, Duration wait) {
        return await("a cancel notice for " + taskId).atMost(wait)
                .until(() -> cancelNotices.stream().filter(n -> n.path("request_id").asText().equals(taskId))
                        .findFirst().orElse(null), n -> n != null);
    }

    @Override
    public void close() {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
