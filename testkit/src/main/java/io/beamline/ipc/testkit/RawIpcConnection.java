package io.beamline.ipc.testkit;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.MessageType;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A deliberately dumb peer for tests: writes any bytes (valid or not) and reads frames back with a
 * deadline. Not a client library; it lets tests say exactly what goes on the wire.
 */
public final class RawIpcConnection implements AutoCloseable {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final Selector selector;
    private final FrameCodec codec = new FrameCodec();
    private ByteBuffer inbound = ByteBuffer.allocate(64 * 1024).flip();

    private RawIpcConnection(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    public static RawIpcConnection open(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new RawIpcConnection(ch, sel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a v1 frame with any header values, for building bad input. */
    public static byte[] rawFrame(long declaredLength, int version, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(6 + payload.length);
        b.putInt((int) declaredLength).put((byte) version).put((byte) type).put(payload);
        return b.array();
    }

    public static byte[] frame(MessageType type, String payload) {
        return new FrameCodec().encode(Frame.of(type, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public RawIpcConnection send(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    Thread.onSpinWait();
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawIpcConnection send(Frame frame) {
        return send(codec.encode(frame));
    }

    public Frame read() {
        return read(DEFAULT_WAIT);
    }

    /** The next frame; fails on timeout or when the peer closes first. */
    public Frame read(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                Frame f = codec.decode(inbound);
                if (f != null) {
                    return f;
                }
                int n = fill(deadline);
                if (n == TIMED_OUT) {
                    throw new IOException("no complete frame within " + wait);
                }
                if (n < 0) {
                    throw new EOFException("connection closed before a complete frame");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the gateway closes the connection, discarding anything it still sends. */
    public boolean awaitClosed(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                inbound.position(inbound.limit());
                int n = fill(deadline);
                if (n == TIMED_OUT) {
                    return false;
                }
                if (n < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true; // reset by peer counts as closed
        }
    }

    private static final int TIMED_OUT = -2;

    /** Reads what is available before the deadline: bytes read, -1 at end of stream, or TIMED_OUT. */
    private int fill(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            return TIMED_OUT;
        }
        selector.select(left);
        selector.selectedKeys().clear();
        inbound.compact();
        if (!inbound.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(inbound.capacity() * 2);
            inbound.flip();
            bigger.put(inbound);
            inbound = bigger;
        }
        int n = channel.read(inbound);
        inbound.flip();
        return n;
    }

    /** Closes only the write side: the gateway sees EOF but can still answer. */
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
