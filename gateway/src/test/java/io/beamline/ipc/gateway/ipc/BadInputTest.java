package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.testkit.RawIpcConnection.frame;
import static io.beamline.ipc.testkit.RawIpcConnection.rawFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bad-input table of protocol v1, each row over a real socket. After every row a second,
 * well-behaved connection must still be served: bad input never harms other connections.
 */
class BadInputTest {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ControllableTasks tasks = new ControllableTasks();
    private IpcServer server;
    private RawIpcConnection bystander;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start(TestServers.config(dir), tasks);
        bystander = RawIpcConnection.open(server.socketPath());
    }

    @AfterEach
    void bystanderStillServed() {
        bystander.send(Frame.of(MessageType.PING));
        assertThat(bystander.read().type()).isEqualTo(MessageType.PONG);
        bystander.close();
        server.close();
    }

    static JsonNode errorOf(Frame f) {
        assertThat(f.type()).isEqualTo(MessageType.RESPONSE_ERROR);
        JsonNode body = Json.parseObject(f.payload());
        assertThat(body.path("ok").asBoolean(true)).isFalse();
        return body.path("error");
    }

    static void assertError(Frame f, ErrorCode code) {
        JsonNode error = errorOf(f);
        assertThat(error.path("code").asInt()).as("error code in %s", error).isEqualTo(code.code());
        assertThat(error.path("status").asInt()).isEqualTo(code.status());
        assertThat(error.path("message").asText()).isNotBlank();
    }

    private void assertStillOpen(RawIpcConnection c) {
        c.send(Frame.of(MessageType.PING));
        assertThat(c.read().type()).isEqualTo(MessageType.PONG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x03, 0xFF})
    void unsupportedVersionIsAnsweredWithCode1ThenClosed(int version) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(rawFrame(6, version, MessageType.PING.code(), new byte[0]));
            assertError(c.read(), ErrorCode.INVALID_VERSION);
            assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 5})
    void lengthBelowHeaderIsAnsweredWithCode4ThenClosed(long length) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(rawFrame(length, 1, MessageType.PING.code(), new byte[0]));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
            assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {Frame.MAX_FRAME_BYTES + 1L, 0xFFFF_FFFFL})
    void lengthAboveMaxIsAnsweredWithCode3BeforeClosing(long length) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(rawFrame(length, 1, MessageType.TASK_SUBMIT.code(), "{}".getBytes(StandardCharsets.UTF_8)));
            JsonNode error = errorOf(c.read());
            assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.FRAME_TOO_LARGE.code());
            assertThat(error.path("message").asText()).contains(Long.toString(length));
            assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
        }
    }

    @Test
    void configuredMaxFrameIsEnforcedOnRealPayloads() throws Exception {
        IpcConfig small = new IpcConfig(dir.resolve("small.sock"), 8, 1024, TestServers.SELF_AND_ROOT, 1);
        try (IpcServer s = TestServers.start(small);
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(frame(MessageType.TASK_SUBMIT, "{\"x\":\"" + "a".repeat(2000) + "\"}"));
            assertError(c.read(), ErrorCode.FRAME_TOO_LARGE);
            assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x08, 0x55, 0xEF, 0xF3})
    void unknownTypeIsAnsweredWithCode2AndConnectionStaysOpen(int type) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(rawFrame(6, 1, type, new byte[0]));
            assertError(c.read(), ErrorCode.INVALID_TYPE);
            assertStillOpen(c);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x05, 0x06, 0x07, 0x10, 0x11, 0xF1})
    void serverToClientTypeIsAnsweredWithCode2AndConnectionStaysOpen(int type) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(rawFrame(8, 1, type, "{}".getBytes(StandardCharsets.UTF_8)));
            JsonNode error = errorOf(c.read());
            assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.INVALID_TYPE.code());
            assertThat(error.path("message").asText()).contains("sent by the gateway");
            assertStillOpen(c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[1,2,3]", "\"text\"", "42", "null", "not json", "{\"a\":1", "{\"a\":1}{}",
            "{\"a\":1,\"a\":2}"})
    void payloadThatIsNotOneJsonObjectIsCode4AndConnectionStaysOpen(String payload) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(frame(MessageType.TASK_SUBMIT, payload));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
            assertStillOpen(c);
        }
    }

    /** C clients that count the string's terminator send one NUL after the JSON; that one byte is ignored. */
    @Test
    void oneTrailingNulIsServedAsIfAbsentButTwoAreCode4() {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(frame(MessageType.TASK_SUBMIT, "{\"task_type\":\"t\",\"payload\":{\"a\":1}}\0"));
            await().until(() -> tasks.submitted.size() == 1);
            assertThat(tasks.submitted.get(0).payload().toString())
                    .isEqualTo("{\"task_type\":\"t\",\"payload\":{\"a\":1}}");
            tasks.submitted.get(0).future().complete(Json.mapper().createObjectNode().put("ok", true));
            Frame ok = c.read();
            assertThat(ok.type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(new String(ok.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");

            c.send(frame(MessageType.TASK_SUBMIT, "{\"task_type\":\"t\",\"payload\":{\"a\":1}}\0\0"));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
            c.send(frame(MessageType.TASK_QUERY, "{\"task_id\":\"t\0\"}"));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
            assertThat(tasks.submitted).hasSize(1);
            assertStillOpen(c);
        }
    }

    @Test
    void invalidUtf8IsCode4AndConnectionStaysOpen() {
        byte[][] bad = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},           // bad continuation
            {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // encoded surrogate
            {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},            // overlong
            {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'},
        };
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            for (byte[] payload : bad) {
                c.send(rawFrame(6 + payload.length, 1, MessageType.TASK_SUBMIT.code(), payload));
                JsonNode error = errorOf(c.read());
                assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.INVALID_PAYLOAD.code());
                assertThat(error.path("message").asText()).contains("UTF-8");
            }
            assertStillOpen(c);
        }
    }

    @Test
    void deeplyNestedJsonIsCode4() {
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(frame(MessageType.TASK_SUBMIT, deep));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
            assertStillOpen(c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"task_id\":42}", "{\"task_id\":\"\"}", "{\"command\":\"task_query\"}"})
    void queryAndCancelNeedATaskId(String payload) {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(frame(MessageType.TASK_QUERY, payload));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
            c.send(frame(MessageType.TASK_CANCEL, payload));
            assertError(c.read(), ErrorCode.INVALID_PAYLOAD);
        }
    }

    @Test
    void partialFrameThenEofClosesQuietly() {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            byte[] whole = frame(MessageType.TASK_SUBMIT, "{\"task_type\":\"x\",\"payload\":{}}");
            c.send(java.util.Arrays.copyOf(whole, whole.length - 3));
            c.shutdownOutput();
            assertThat(c.awaitClosed(CLOSE_WAIT)).as("closed without an answer").isTrue();
        }
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(new byte[] {0, 0, 0}); // not even a header
            c.shutdownOutput();
            assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
        }
    }

    @Test
    void frameSplitIntoSingleBytesIsDecodedExactly() {
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            byte[] caps = frame(MessageType.CAPABILITIES, "");
            byte[] ping = frame(MessageType.PING, "");
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(caps);
            both.writeBytes(ping);
            for (byte b : both.toByteArray()) {
                c.send(new byte[] {b});
            }
            assertThat(c.read().type()).isEqualTo(MessageType.RESPONSE_OK);
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
        }
    }

    @Test
    void manyFramesInOneWriteAreAnsweredInOrder() {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        int n = 500;
        for (int i = 0; i < n; i++) {
            batch.writeBytes(i % 2 == 0 ? frame(MessageType.PING, "") : frame(MessageType.TASK_QUERY, "{}"));
        }
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(batch.toByteArray());
            for (int i = 0; i < n; i++) {
                Frame f = c.read();
                if (i % 2 == 0) {
                    assertThat(f.type()).as("answer %d", i).isEqualTo(MessageType.PONG);
                } else {
                    assertError(f, ErrorCode.INVALID_PAYLOAD);
                }
            }
        }
    }

    @Test
    void goodFramesBeforeABadHeaderAreStillAnsweredInOrder() {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        batch.writeBytes(frame(MessageType.PING, ""));
        batch.writeBytes(frame(MessageType.PING, ""));
        batch.writeBytes(rawFrame(6, 9, MessageType.PING.code(), new byte[0]));
        batch.writeBytes(frame(MessageType.PING, "")); // after the bad header: never read
        try (RawIpcConnection c = RawIpcConnection.open(server.socketPath())) {
            c.send(batch.toByteArray());
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
            assertError(c.read(), ErrorCode.INVALID_VERSION);
            assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
        }
    }
}
