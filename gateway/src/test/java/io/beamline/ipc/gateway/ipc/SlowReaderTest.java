package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over a real socket: a client that does not read, or has too much unanswered, is slowed, never failed. */
class SlowReaderTest {

    private static final int HIGH = 16 * 1024;
    private static final int LOW = 4 * 1024;
    /** What one read may still bring in after the gate closes (a receive buffer), answered 1:1 for PINGs. */
    private static final int ONE_READ = 64 * 1024;

    @TempDir
    Path dir;

    /**
     * Writes frames without reading anything back until the socket has accepted nothing for 500 ms.
     * @return the bytes written (the last frame may be partly written)
     */
    private static long writeUntilBlocked(SocketChannel ch, byte[] frame, long maxFrames) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(frame.length * 1024);
        long sent = 0;
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_WRITE);
            while (sent < maxFrames) {
                buf.clear();
                long batch = Math.min(1024, maxFrames - sent);
                for (int i = 0; i < batch; i++) {
                    buf.put(frame);
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    if (ch.write(buf) == 0) {
                        selector.selectedKeys().clear();
                        if (selector.select(500) == 0) {
                            return sent * frame.length + buf.position(); // blocked: the peer stopped reading
                        }
                    }
                }
                sent += batch;
            }
        }
        return sent * frame.length;
    }

    @Test
    void aClientThatNeverReadsIsNotReadItsQueuedAnswersStayBoundedAndOthersAreServed() throws Exception {
        IpcConfig cfg = new IpcConfig(dir.resolve("gw.sock"), 8, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1,
                256, HIGH, LOW);
        byte[] ping = RawIpcConnection.frame(MessageType.PING, "");
        try (IpcServer server = TestServers.start(cfg);
             SocketChannel slow = SocketChannel.open(UnixDomainSocketAddress.of(server.socketPath()))) {
            slow.configureBlocking(false);
            long frames = 2_000_000; // 12 MB of PINGs: far more than socket buffers hold
            long sentBytes = writeUntilBlocked(slow, ping, frames);
            long sent = sentBytes / ping.length; // PING is header only: never partly answered

            assertThat(sent).as("the gateway stopped reading the client long before it sent everything")
                    .isGreaterThan(10_000).isLessThan(frames);
            assertThat(server.queuedOutboundBytes()).as("answers queued for the client that does not read")
                    .isLessThanOrEqualTo(HIGH + ONE_READ);

            // Another client is served meanwhile (one event loop serves both).
            try (RawIpcConnection other = RawIpcConnection.open(server.socketPath())) {
                for (int i = 0; i < 100; i++) {
                    other.send(Frame.of(MessageType.PING));
                    assertThat(other.read(Duration.ofSeconds(5)).type()).isEqualTo(MessageType.PONG);
                }
            }

            // Once the slow client reads, it gets every answer: slowed, not failed.
            slow.configureBlocking(true);
            long expectedBytes = sent * Frame.HEADER_BYTES; // a PONG per complete PING
            AtomicLong received = new AtomicLong();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (received.get() < expectedBytes) {
                        in.clear();
                        int n = slow.read(in);
                        if (n < 0) {
                            return;
                        }
                        received.addAndGet(n);
                    }
                } catch (IOException e) {
                    // reported by the assertion below
                }
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(received.get()).isEqualTo(expectedBytes));
            reader.join(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.queuedOutboundBytes() == 0);
        }
    }

    @Test
    void aConnectionAtItsInFlightCapIsNotReadUntilItsAnswersDrainAndLosesNothing() throws Exception {
        int cap = 4;
        IpcConfig cfg = new IpcConfig(dir.resolve("gw.sock"), 8, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1,
                cap, IpcConfig.DEFAULT_WRITE_BUFFER_HIGH_BYTES, IpcConfig.DEFAULT_WRITE_BUFFER_LOW_BYTES);
        ControllableTasks tasks = new ControllableTasks();
        // 16 KiB submits: one receive buffer holds only a few of them.
        String pad = "x".repeat(16 * 1024);
        byte[] submit = RawIpcConnection.frame(MessageType.TASK_SUBMIT,
                "{\"task_type\":\"t\",\"payload\":{\"pad\":\"" + pad + "\"}}");
        int total = 400; // 6.5 MB: more than the socket buffers hold
        try (IpcServer server = TestServers.start(cfg, tasks);
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(server.socketPath()))) {
            client.configureBlocking(false);
            long sentBytes = writeUntilBlocked(client, submit, total);
            long sent = sentBytes / submit.length;

            int readAtMost = cap + ONE_READ / submit.length + 1;
            assertThat(sent).as("the client is slowed: writes block").isLessThan(total);
            await().atMost(Duration.ofSeconds(5)).until(() -> tasks.submitted.size() >= cap);
            assertThat(tasks.submitted.size()).as("requests dispatched while none is answered")
                    .isLessThanOrEqualTo(readAtMost);

            // The client is not failed: answering lets it go on; every request is answered, in order.
            LongAdder answered = new LongAdder();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int partlyWritten = (int) (sentBytes % submit.length);
            long[] written = {partlyWritten > 0 ? sent + 1 : sent};
            ByteBuffer out = ByteBuffer.wrap(submit, partlyWritten, partlyWritten > 0 ? submit.length - partlyWritten : 0);
            int[] next = {0};
            while (answered.sum() < total && System.nanoTime() < deadline) {
                while (next[0] < tasks.submitted.size()) {
                    tasks.submitted.get(next[0]).future().complete(
                            io.beamline.ipc.protocol.Json.mapper().createObjectNode().put("n", next[0]));
                    next[0]++;
                }
                if (!out.hasRemaining() && written[0] < total) {
                    out = ByteBuffer.wrap(submit);
                    written[0]++;
                }
                if (out.hasRemaining()) {
                    client.write(out);
                }
                in.clear();
                int n = client.read(in);
                if (n > 0) {
                    answered.add(countFrames(in.flip(), n));
                }
                if (n <= 0 && !out.hasRemaining()) {
                    Thread.onSpinWait();
                }
            }
            assertThat(answered.sum()).isEqualTo(total);
            assertThat(tasks.submitted).hasSize(total);
        }
    }

    private int partial;
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_BYTES);
    private long remainingBody;

    /** Counts complete answer frames in a stream cut anywhere. */
    private int countFrames(ByteBuffer data, int n) {
        int frames = 0;
        while (data.hasRemaining()) {
            if (remainingBody > 0) {
                int skip = (int) Math.min(remainingBody, data.remaining());
                data.position(data.position() + skip);
                remainingBody -= skip;
                if (remainingBody == 0) {
                    frames++;
                }
                continue;
            }
            header.put(data.get());
            if (!header.hasRemaining()) {
                header.flip();
                long len = Integer.toUnsignedLong(header.getInt(0));
                header.clear();
                remainingBody = len - Frame.HEADER_BYTES;
                if (remainingBody == 0) {
                    frames++;
                }
            }
        }
        return frames;
    }
}
