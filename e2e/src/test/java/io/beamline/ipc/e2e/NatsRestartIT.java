package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The test kit's NATS restart, which ReconnectStormIT's outages rely on: the server comes back on the same
 * port (where its clients reconnect), even when another process took that port while it was down.
 */
class NatsRestartIT {

    @Test
    void aRestartWaitsUntilItsPortIsFreeAgainThenServesOnIt() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start()) {
            int port = nats.port();
            nats.kill9();
            ServerSocket squatter = new ServerSocket();
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            CompletableFuture<Void> released = CompletableFuture.runAsync(() -> close(squatter),
                    CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));

            nats.restart();

            assertThat(released).as("the restart waited for the port").isDone();
            assertThat(nats.port()).isEqualTo(port);
            try (Connection nc = Nats.connect(nats.url())) {
                assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        }
    }

    private static void close(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
