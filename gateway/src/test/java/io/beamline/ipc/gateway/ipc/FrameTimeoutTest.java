package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static io.beamline.ipc.testkit.RawIpcConnection.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.IpcLimits;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over a real socket: a frame begun must be complete within ipc.frame_timeout_ms, in v1 and v2 alike. */
class FrameTimeoutTest {

    /** Generous bound: only a gateway without the timeout keeps a half frame this long. */
    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private IpcServer start(Duration frameTimeout) throws Exception {
        IpcConfig cfg = TestServers.config(dir).withLimits(new IpcLimits(64, 960, frameTimeout, Duration.ZERO,
                IpcLimits.DEFAULT_MAX_BUFFERED_BYTES));
        return TestServers.start(cfg);
    }

    private static void assertFrameTimeoutThenClosed(RawIpcConnection c) {
        JsonNode error = errorOf(c.read(GIVE_UP));
        assertThat(error.path("code").asInt()).isEqualTo(5);
        assertThat(error.path("status").asInt()).isEqualTo(504);
        assertThat(error.path("reason").asText()).isEqualTo("frame_timeout");
        assertThat(error.path("message").asText()).contains("ipc.frame_timeout_ms");
        assertThat(c.awaitClosed(GIVE_UP)).isTrue();
    }

    @Test
    void oneByteOfAFrameGetsTheFrameTimeoutThenTheConnectionCloses() throws Exception {
        try (IpcServer s = start(Duration.ofMillis(300));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(new byte[] {0});
            assertFrameTimeoutThenClosed(c);
            await().atMost(GIVE_UP).until(() -> s.openConnections() == 0 && s.bufferedBytes() == 0);
        }
    }

    @Test
    void aV1FrameWithoutItsLastBytesTimesOutAfterTheAnswersBeforeIt() throws Exception {
        try (IpcServer s = start(Duration.ofMillis(300));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            byte[] caps = frame(MessageType.CAPABILITIES, "");
            byte[] ping = new FrameCodec().encode(Frame.of(MessageType.PING, new byte[100]));
            byte[] both = new byte[caps.length + ping.length - 1];
            System.arraycopy(caps, 0, both, 0, caps.length);
            System.arraycopy(ping, 0, both, caps.length, ping.length - 1);
            c.send(both);
            assertThat(c.read(GIVE_UP).type()).as("the whole frame before it is served").isEqualTo(
                    MessageType.RESPONSE_OK);
            assertFrameTimeoutThenClosed(c);
        }
    }

    @Test
    void aV2FrameWithoutItsLastBytesTimesOut() throws Exception {
        try (IpcServer s = start(Duration.ofMillis(300));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            byte[] ping = new FrameCodec().encode(Frame.v2(MessageType.PING, 7, new byte[0]));
            c.send(Arrays.copyOf(ping, 8)); // length, version, type and half the request id
            assertFrameTimeoutThenClosed(c);
        }
    }

    @Test
    void aFrameSentInPiecesWithinTheTimeoutIsServed() throws Exception {
        try (IpcServer s = start(Duration.ofSeconds(20));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            byte[] ping = new FrameCodec().encode(Frame.of(MessageType.PING));
            c.send(Arrays.copyOf(ping, 3));
            await().atMost(GIVE_UP).until(() -> s.bufferedBytes() == 3); // the gateway holds the first piece
            c.send(Arrays.copyOfRange(ping, 3, ping.length));
            assertThat(c.read(GIVE_UP).type()).isEqualTo(MessageType.PONG);
            await().atMost(GIVE_UP).until(() -> s.bufferedBytes() == 0);
            c.send(Frame.of(MessageType.PING));
            assertThat(c.read(GIVE_UP).type()).as("the connection stays usable").isEqualTo(MessageType.PONG);
        }
    }
}
