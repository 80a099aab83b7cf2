package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol v2 on a real socket: answers carry their request id and leave as each is ready. */
class MultiplexingTest {

    @TempDir
    Path dir;

    private static Frame submit(int requestId, int n) {
        return Frame.v2(MessageType.TASK_SUBMIT, requestId, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static void answer(ControllableTasks.Pending p) {
        p.future().complete(Json.mapper().createObjectNode().put("ok", true).put("n", p.payload().get("n").asInt()));
    }

    private static int n(Frame answer) {
        return Json.parseObject(answer.payload()).get("n").asInt();
    }

    @Test
    void answersLeaveAsEachIsReadyWithTheirRequestIds() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            for (int i = 1; i <= 3; i++) {
                c.send(submit(100 + i, i));
            }
            await().until(() -> tasks.submitted.size() == 3);
            // The last request is ready first: it is answered first, the others are not held behind it.
            answer(tasks.submitted.get(2));
            Frame first = c.read();
            assertThat(first.version()).isEqualTo(Frame.V2);
            assertThat(first.requestId()).isEqualTo(103);
            assertThat(n(first)).isEqualTo(3);
            answer(tasks.submitted.get(0));
            answer(tasks.submitted.get(1));
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Frame f = c.read();
                assertThat(f.type()).isEqualTo(MessageType.RESPONSE_OK);
                assertThat(n(f)).as("the answer matches its request").isEqualTo(f.requestId() - 100);
                ids.add(f.requestId());
            }
            assertThat(ids).containsExactlyInAnyOrder(101, 102);
        }
    }

    @Test
    void aRequestIdInFlightIsRefusedAndTheConnectionStaysUsable() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(submit(7, 1));
            await().until(() -> tasks.submitted.size() == 1);
            c.send(submit(7, 2));
            Frame refused = c.read();
            assertThat(refused.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            assertThat(refused.requestId()).isEqualTo(7);
            JsonNode error = Json.parseObject(refused.payload()).get("error");
            assertThat(error.get("code").asInt()).isEqualTo(4);
            assertThat(error.get("reason").asText()).isEqualTo("duplicate_request_id");
            assertThat(tasks.submitted).as("the duplicate was not dispatched").hasSize(1);

            answer(tasks.submitted.get(0));
            Frame answered = c.read();
            assertThat(answered.requestId()).isEqualTo(7);
            assertThat(n(answered)).isEqualTo(1);

            c.send(submit(7, 3)); // answered: the id is free again
            await().until(() -> tasks.submitted.size() == 2);
            answer(tasks.submitted.get(1));
            assertThat(n(c.read())).isEqualTo(3);
        }
    }

    @Test
    void requestIdZeroIsRefused() throws Exception {
        try (IpcServer s = TestServers.start(TestServers.config(dir));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(Frame.v2(MessageType.PING, 0, new byte[0]));
            Frame refused = c.read();
            assertThat(refused.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            assertThat(Json.parseObject(refused.payload()).get("error").get("reason").asText())
                    .isEqualTo("invalid_request_id");
            c.send(Frame.v2(MessageType.PING, 1, new byte[0]));
            assertThat(c.read()).isEqualTo(Frame.v2(MessageType.PONG, 1, new byte[0]));
        }
    }

    @Test
    void v1AnswersKeepTheirOrderWhileV2AnswersPassThem() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(Frame.of(MessageType.TASK_SUBMIT, "{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
            c.send(Frame.of(MessageType.PING));
            c.send(Frame.v2(MessageType.PING, 5, new byte[0]));
            // The v2 PING is answered while the v1 submit (and the v1 PING behind it) wait.
            assertThat(c.read()).isEqualTo(Frame.v2(MessageType.PONG, 5, new byte[0]));
            await().until(() -> tasks.submitted.size() == 1);
            answer(tasks.submitted.get(0));
            Frame first = c.read();
            assertThat(first.version()).isEqualTo(Frame.V1);
            assertThat(n(first)).isEqualTo(1);
            assertThat(c.read()).isEqualTo(Frame.of(MessageType.PONG));
        }
    }

    @Test
    void aClosedConnectionCancelsItsV2WorkAndIsNoLongerCounted() throws Exception {
        ControllableTasks tasks = new ControllableTasks();
        try (IpcServer s = TestServers.start(TestServers.config(dir), tasks)) {
            try (RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
                for (int i = 1; i <= 4; i++) {
                    c.send(submit(i, i));
                }
                await().until(() -> tasks.submitted.size() == 4);
                assertThat(s.unansweredRequests()).isEqualTo(4);
            }
            await().untilAsserted(() -> assertThat(tasks.submitted).allSatisfy(p -> assertThat(p.future()).isCancelled()));
            await().until(() -> s.unansweredRequests() == 0);
        }
    }
}
