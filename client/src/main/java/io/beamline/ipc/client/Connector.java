package io.beamline.ipc.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens a blocking Unix-socket channel within a deadline. A Unix connect only blocks when the listener's
 * backlog is full, and NIO has no timed connect for it, so a watchdog closes the channel if the deadline
 * passes first.
 */
final class Connector {

    private static final int CONNECTING = 0;
    private static final int CONNECTED = 1;
    private static final int TIMED_OUT = 2;

    private Connector() {
    }

    static SocketChannel connect(Path socketPath, Duration timeout) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new IpcConnectionException("cannot open a Unix socket: " + e.getMessage(), e);
        }
        AtomicInteger state = new AtomicInteger(CONNECTING);
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            if (state.compareAndSet(CONNECTING, TIMED_OUT)) {
                closeQuietly(channel);
            }
        }, CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
        try {
            channel.connect(UnixDomainSocketAddress.of(socketPath));
            if (!state.compareAndSet(CONNECTING, CONNECTED)) {
                throw timedOut(socketPath, timeout, null);
            }
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            if (state.get() == TIMED_OUT) {
                throw timedOut(socketPath, timeout, e);
            }
            throw new IpcConnectionException("cannot connect to " + socketPath + ": " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private static IpcConnectionException timedOut(Path socketPath, Duration timeout, Throwable cause) {
        return new IpcConnectionException("cannot connect to " + socketPath + ": no connection within "
                + timeout.toMillis() + " ms", cause);
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with a channel we are abandoning
        }
    }
}
