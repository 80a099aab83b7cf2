package io.beamline.ipc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorTest {

    @TempDir
    Path dir;

    @Test
    void connectGivesUpWhenTheListenerNeverAccepts() throws IOException {
        Path path = dir.resolve("full.sock");
        List<SocketChannel> fillers = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path), 1);
            fillBacklog(server, path, fillers);

            long start = System.nanoTime();
            assertThatThrownBy(() -> IpcClient.connect(path,
                    IpcClientOptions.defaults().withConnectTimeout(Duration.ofMillis(200))))
                    .isInstanceOf(IpcConnectionException.class)
                    .hasMessageContaining("no connection within 200 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            for (SocketChannel c : fillers) {
                c.close();
            }
        }
    }

    /** Non-blocking connects succeed until the backlog is full, then fail with EAGAIN instead of blocking. */
    private static void fillBacklog(ServerSocketChannel server, Path path, List<SocketChannel> fillers)
            throws IOException {
        for (int i = 0; i < 1000; i++) {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.configureBlocking(false);
            try {
                c.connect(UnixDomainSocketAddress.of(path));
                fillers.add(c);
            } catch (IOException full) {
                c.close();
                return;
            }
        }
        throw new AssertionError("the listener's backlog never filled up");
    }
}
