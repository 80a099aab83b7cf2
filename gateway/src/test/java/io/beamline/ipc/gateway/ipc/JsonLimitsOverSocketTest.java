package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submit over a JSON limit, over a real Unix socket: answered with code 4 and the limit's reason, and the
 * connection stays open (the limits themselves: protocol's JsonLimitsTest).
 */
class JsonLimitsOverSocketTest {

    @TempDir
    Path dir;

    private IpcServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start(TestServers.config(dir), new ControllableTasks());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSubmitNested65DeepIsAnsweredWithJsonTooDeepAndTheConnectionStaysOpen() {
        String submit = "{\"task_type\":\"t\",\"payload\":{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}}";
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(Frame.of(MessageType.TASK_SUBMIT, submit.getBytes(StandardCharsets.UTF_8)));
            Frame answer = c.read();
            assertThat(answer.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            JsonNode error = Json.parseObject(answer.payload()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(4);
            assertThat(error.path("status").asInt()).isEqualTo(400);
            assertThat(error.path("reason").asText()).isEqualTo("json_too_deep");
            assertThat(error.path("message").asText())
                    .isEqualTo("payload exceeds a JSON limit: JSON nested deeper than the limit of 64 levels");
            assertThat(error.path("retryable").asBoolean(true)).isFalse();

            c.send(Frame.of(MessageType.PING));
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
        }
    }
}
