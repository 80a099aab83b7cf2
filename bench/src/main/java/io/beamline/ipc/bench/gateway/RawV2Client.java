package io.beamline.ipc.bench.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A minimal protocol v2 client for streamed submits, because the Java client has no streaming API yet: the
 * protocol's {@link FrameCodec} over a JDK Unix {@link SocketChannel}, non-blocking with a {@link Selector} so that
 * every wait is bounded. One stream at a time, read on the calling thread; frames are decoded straight from one
 * 256 KiB read buffer.
 */
final class RawV2Client implements AutoCloseable {

    private static final int READ_BUFFER = 256 * 1024;

    /**
     * One streamed submit as the client saw it.
     *
     * @param answer    the submit's RESPONSE_OK payload, or null when it was not one
     * @param end       the terminal frame's payload (STREAM_COMPLETE or STREAM_ERROR), or null
     * @param complete  the terminal frame was STREAM_COMPLETE
     * @param sentNanos {@link System#nanoTime()} just before the submit was written
     * @param endNanos  {@link System#nanoTime()} when the terminal frame (or the failure) was read
     */
    record Streamed(ObjectNode answer, ObjectNode end, boolean complete, ChunkCount count, long sentNanos,
                    long endNanos) {
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final FrameCodec codec = new FrameCodec();
    private ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip(); // read mode between calls
    private int nextRequestId = 1;

    private RawV2Client(SocketChannel channel, Selector selector) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, 0);
    }

    static RawV2Client connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket)); // blocking: a Unix connect is immediate or refused
            channel.configureBlocking(false);
            return new RawV2Client(channel, Selector.open());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Sends {@code submit} (a TASK_SUBMIT payload with {@code "stream": true}) under a new request id and reads
     * its answer, its STREAM_DATA frames (counted by a {@link ChunkCount}) and its terminal frame, all of which
     * must carry that request id. Stops at the first frame that breaks the stream (an error answer, a frame of
     * another request id or type, a chunk out of order).
     *
     * @throws TimeoutException when the terminal frame has not come within {@code timeout}
     */
    Streamed submitStream(byte[] submit, Duration timeout) throws IOException, TimeoutException {
        int id = nextRequestId++;
        ChunkCount count = new ChunkCount();
        long deadline = System.nanoTime() + timeout.toNanos();
        long sent = System.nanoTime();
        write(codec.encode(Frame.v2(MessageType.TASK_SUBMIT, id, submit)), deadline);
        ObjectNode answer = null;
        while (true) {
            Frame f = next(deadline);
            if (f.requestId() != id) {
                count.fail("a frame for request id " + Integer.toUnsignedString(f.requestId()) + " while " + id
                        + " streams: " + f);
                return new Streamed(answer, null, false, count, sent, System.nanoTime());
            }
            MessageType type = f.type();
            if (type == MessageType.STREAM_DATA && answer != null) {
                if (!count.dataFrame(f.payload())) {
                    return new Streamed(answer, null, false, count, sent, System.nanoTime());
                }
            } else if (type == MessageType.RESPONSE_OK && answer == null) {
                answer = parse(f);
                if (!answer.path("ok").asBoolean(false) || !answer.has("decision")) {
                    count.fail("the submit's answer has no decision: " + answer);
                    return new Streamed(answer, null, false, count, sent, System.nanoTime());
                }
            } else if ((type == MessageType.STREAM_COMPLETE || type == MessageType.STREAM_ERROR) && answer != null) {
                return new Streamed(answer, parse(f), type == MessageType.STREAM_COMPLETE, count, sent,
                        System.nanoTime());
            } else {
                count.fail("unexpected " + f + (answer == null ? " before the submit's answer" : "") + ": "
                        + f.payloadAsString());
                return new Streamed(answer, null, false, count, sent, System.nanoTime());
            }
        }
    }

    private static ObjectNode parse(Frame f) {
        try {
            return Json.parseObject(f.payload());
        } catch (ProtocolException e) {
            return Json.mapper().createObjectNode().put("unreadable", f.payloadAsString());
        }
    }

    /** The next whole frame, reading as needed. */
    private Frame next(long deadline) throws IOException, TimeoutException {
        while (true) {
            Frame f = codec.decode(in);
            if (f != null) {
                return f;
            }
            int needed = in.remaining() < Frame.HEADER_BYTES ? Frame.HEADER_BYTES : in.getInt(in.position());
            if (needed > in.capacity()) {
                in = ByteBuffer.allocate(needed).put(in).flip();
            }
            in.compact();
            int n;
            try {
                n = channel.read(in);
                if (n == 0) {
                    await(SelectionKey.OP_READ, deadline);
                    n = channel.read(in);
                }
            } finally {
                in.flip();
            }
            if (n < 0) {
                throw new EOFException("the gateway closed the connection");
            }
        }
    }

    private void write(byte[] frame, long deadline) throws IOException, TimeoutException {
        ByteBuffer out = ByteBuffer.wrap(frame);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    private void await(int op, long deadline) throws IOException, TimeoutException {
        key.interestOps(op);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no frame from the gateway in time");
                }
                if (selector.select(Math.max(1, left / 1_000_000)) > 0) {
                    selector.selectedKeys().clear();
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
