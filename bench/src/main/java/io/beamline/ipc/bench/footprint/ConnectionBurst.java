package io.beamline.ipc.bench.footprint;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.ProtocolException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many connections at once, each with several submits in flight: protocol v2, every connection writes all its
 * TASK_SUBMIT frames (request ids 1..N) in one go, then every answer is read. One thread and one
 * {@link Selector} for all connections, so the client itself stays small next to the gateway it measures.
 * Answers are counted by kind: {@code ok} (RESPONSE_OK with {@code "ok":true}), else the error's
 * {@code reason} (and code), else the frame type.
 */
final class ConnectionBurst {

    private static final int READ_BUFFER = 16 * 1024;

    /** What one burst saw. */
    record Result(int connections, int perConnection, int answered, Map<String, Integer> byKind, int failedConnections,
                  double seconds) {
        int expected() {
            return connections * perConnection;
        }

        int ok() {
            return byKind.getOrDefault("ok", 0);
        }
    }

    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip(); // read mode between reads
        int answered;
        boolean failed;

        Conn(SocketChannel channel, ByteBuffer out) {
            this.channel = channel;
            this.out = out;
        }
    }

    private ConnectionBurst() {
    }

    /**
     * Opens {@code connections} connections, then sends {@code perConnection} submits on each and reads every
     * answer, or gives up after {@code timeout}. The connections are closed before this returns.
     */
    static Result run(Path socket, int connections, int perConnection, byte[] submit, Duration timeout)
            throws IOException {
        FrameCodec codec = new FrameCodec();
        ByteBuffer frames = ByteBuffer.allocate(perConnection * (Frame.V2_HEADER_BYTES + submit.length));
        for (int id = 1; id <= perConnection; id++) {
            frames.put(codec.encode(Frame.v2(MessageType.TASK_SUBMIT, id, submit)));
        }
        frames.flip();
        Map<String, Integer> byKind = new TreeMap<>();
        List<Conn> conns = new ArrayList<>(connections);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int answered = 0;
        int failedConnections = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket)); // blocking: immediate, or waits for the backlog
                    ch.configureBlocking(false);
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("connection " + (i + 1) + " of " + connections + " failed: " + e, e);
                }
                Conn c = new Conn(ch, frames.duplicate());
                conns.add(c);
                ch.register(selector, SelectionKey.OP_WRITE | SelectionKey.OP_READ, c);
            }
            int open = connections;
            while (open > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                selector.select(Math.max(1, left / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    try {
                        if (key.isValid() && key.isWritable()) {
                            c.channel.write(c.out);
                            if (!c.out.hasRemaining()) {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        }
                        if (key.isValid() && key.isReadable()) {
                            int before = c.answered;
                            boolean eof = read(c, codec, byKind, perConnection);
                            answered += c.answered - before;
                            if (c.answered >= perConnection || eof) {
                                if (c.answered < perConnection) {
                                    c.failed = true;
                                    failedConnections++;
                                }
                                key.cancel();
                                open--;
                            }
                        }
                    } catch (IOException e) {
                        c.failed = true;
                        failedConnections++;
                        key.cancel();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (Conn c : conns) {
                try {
                    c.channel.close();
                } catch (IOException ignored) {
                    // closing is best effort
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(connections, perConnection, answered, byKind, failedConnections, seconds);
    }

    /** Reads what is there and counts whole frames; true at end of stream. */
    private static boolean read(Conn c, FrameCodec codec, Map<String, Integer> byKind, int perConnection)
            throws IOException {
        c.in.compact();
        int n;
        try {
            n = c.channel.read(c.in);
        } finally {
            c.in.flip();
        }
        Frame f;
        while ((f = codec.decode(c.in)) != null) {
            byKind.merge(kind(f), 1, Integer::sum);
            c.answered++;
        }
        if (c.in.remaining() >= Frame.HEADER_BYTES) {
            int needed = c.in.getInt(c.in.position());
            if (needed > c.in.capacity()) {
                c.in = ByteBuffer.allocate(needed).put(c.in).flip();
            }
        }
        return n < 0 && c.answered < perConnection;
    }

    private static String kind(Frame f) {
        MessageType type;
        try {
            type = f.type();
        } catch (RuntimeException e) {
            return "type_0x" + Integer.toHexString(f.typeCode());
        }
        try {
            JsonNode body = Json.parseObject(f.payload());
            if (type == MessageType.RESPONSE_OK && body.path("ok").asBoolean(false)) {
                return "ok";
            }
            if (type == MessageType.RESPONSE_ERROR) {
                JsonNode error = body.path("error");
                return error.path("reason").asText("?") + " (code " + error.path("code").asText("?") + ")";
            }
        } catch (ProtocolException e) {
            return type + " (unreadable)";
        }
        return type.toString();
    }
}
