package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for the gateway, for tests: a Unix-socket server that reads request frames with
 * {@link FrameCodec} and hands each to a {@link Script}, which answers through the {@link Connection}
 * however the test needs (in order, late, split byte by byte, coalesced, or not at all).
 *
 * <p>Its frame reading is deliberately simple (read a header, then exactly the rest) and independent of
 * the client's incremental reader, so the two cannot share a bug.
 */
public final class FakeGateway implements AutoCloseable {

    /** Reacts to one request; runs on the connection's thread, so blocking here delays later requests. */
    @FunctionalInterface
    public interface Script {
        void onRequest(Frame request, Connection connection) throws Exception;
    }

    private static final FrameCodec CODEC = new FrameCodec();

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Script script;
    private final Thread acceptor;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();

    private FakeGateway(Path socketPath, Script script) throws IOException {
        this.socketPath = socketPath;
        this.script = script;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        this.acceptor = Thread.ofPlatform().name("fake-gateway-accept").daemon(true).start(this::acceptLoop);
    }

    public static FakeGateway start(Path socketPath, Script script) throws IOException {
        return new FakeGateway(socketPath, script);
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Every request frame received so far (on any connection), in order; the test may take from it. */
    public BlockingQueue<Frame> received() {
        return received;
    }

    /** The next connection accepted, waiting up to 10 s. */
    public Connection awaitConnection() throws InterruptedException {
        Connection c = accepted.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no client connected to the fake gateway within 10 s");
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        server.close();
        join(acceptor);
        for (Connection c : connections) {
            c.close();
            join(c.thread);
        }
        Files.deleteIfExists(socketPath);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the test is being torn down; let it see the interrupt
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Connection c = new Connection(server.accept());
                connections.add(c);
                accepted.add(c);
                c.thread.start();
            }
        } catch (IOException closed) {
            // the server was closed: stop accepting
        }
    }

    /** One accepted client connection. */
    public final class Connection {

        private final SocketChannel channel;
        private final Thread thread;

        private Connection(SocketChannel channel) {
            this.channel = channel;
            this.thread = Thread.ofPlatform().name("fake-gateway-conn").daemon(true).unstarted(this::serve);
        }

        /** Sends the frames in a single write: the client sees them coalesced. */
        public synchronized void send(Frame... frames) throws IOException {
            int total = 0;
            for (Frame f : frames) {
                total += f.length();
            }
            ByteBuffer out = ByteBuffer.allocate(total);
            for (Frame f : frames) {
                CODEC.encode(f, out);
            }
            writeFully(out.flip());
        }

        /** Sends the frames back to back in writes of {@code chunk} bytes, so frames are split and joined. */
        public synchronized void sendInChunks(int chunk, Frame... frames) throws IOException {
            ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(frames).mapToInt(Frame::length).sum());
            for (Frame f : frames) {
                CODEC.encode(f, all);
            }
            byte[] bytes = all.array();
            for (int at = 0; at < bytes.length; at += chunk) {
                writeFully(ByteBuffer.wrap(bytes, at, Math.min(chunk, bytes.length - at)));
            }
        }

        /** Raw bytes, one write each, e.g. half a frame. */
        public synchronized void sendBytesOneByOne(byte[] bytes) throws IOException {
            for (byte b : bytes) {
                writeFully(ByteBuffer.wrap(new byte[] {b}));
            }
        }

        public void close() throws IOException {
            channel.close();
        }

        private void writeFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        private void serve() {
            try {
                while (true) {
                    Frame request = readFrame();
                    received.add(request);
                    script.onRequest(request, this);
                }
            } catch (EOFException | java.nio.channels.ClosedChannelException done) {
                // the client or the test closed the connection
            } catch (Exception e) {
                if (channel.isOpen()) {
                    e.printStackTrace(); // visible in the surefire report; the test will fail on its own
                }
            }
        }

        private Frame readFrame() throws IOException {
            ByteBuffer header = readExactly(ByteBuffer.allocate(Frame.HEADER_BYTES));
            long length = Integer.toUnsignedLong(header.getInt(0));
            FrameCodec.checkHeader(length, header.get(4) & 0xFF, Frame.MAX_FRAME_BYTES);
            ByteBuffer whole = ByteBuffer.allocate((int) length).put(header.flip());
            return CODEC.decode(readExactly(whole).flip());
        }

        private ByteBuffer readExactly(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (channel.read(buf) < 0) {
                    throw new EOFException();
                }
            }
            return buf;
        }
    }

    // ---- ready-made scripts and frames ----

    /**
     * A gateway that speaks v1 only: PING gets PONG, CAPABILITIES gets {@link #capabilities()}, task types
     * are echoed back as RESPONSE_OK.
     */
    public static Script echo() {
        return (request, conn) -> conn.send(echoAnswer(request));
    }

    /** As {@link #echo()}, but CAPABILITIES offers {@code versions}; each answer has its request's version and id. */
    public static Script echoOffering(Integer... versions) {
        Capabilities offered = capabilities(versions);
        return (request, conn) -> conn.send(echoAnswer(request, offered));
    }

    /** The answer {@link #echo()} gives, in the request's version and under its request id. */
    public static Frame echoAnswer(Frame request) {
        return echoAnswer(request, capabilities());
    }

    private static Frame echoAnswer(Frame request, Capabilities offered) {
        Frame answer = switch (request.type()) {
            case PING -> Frame.of(MessageType.PONG);
            case CAPABILITIES -> Frame.of(MessageType.RESPONSE_OK, Json.write(offered));
            case TASK_SUBMIT, TASK_QUERY, TASK_CANCEL -> Frame.of(MessageType.RESPONSE_OK, request.payload());
            case null, default -> error(ErrorCode.INVALID_TYPE, "unexpected " + request);
        };
        return answer.answering(request);
    }

    /** Records requests and answers nothing; the test answers through {@link #awaitConnection()}. */
    public static Script silent() {
        return (request, conn) -> { };
    }

    public static Frame error(ErrorCode code, String message) {
        return ErrorResponse.of(code, message).toFrame();
    }

    /** What {@link #echo()} answers CAPABILITIES with: protocol v1 only. */
    public static Capabilities capabilities() {
        return capabilities(1);
    }

    public static Capabilities capabilities(Integer... versions) {
        return new Capabilities(List.of(versions),
                List.of(new Capabilities.MessageTypeInfo(0x01, "TASK_SUBMIT", "client_to_server", true),
                        new Capabilities.MessageTypeInfo(0x04, "STREAM_SUBSCRIBE", "client_to_server", false),
                        new Capabilities.MessageTypeInfo(0xF0, "PING", "client_to_server", true)),
                Frame.MAX_FRAME_BYTES,
                List.of("pipelining", "capabilities"),
                List.of(Capabilities.ErrorCodeInfo.of(ErrorCode.NOT_IMPLEMENTED)),
                "0.1.0-test");
    }
}
