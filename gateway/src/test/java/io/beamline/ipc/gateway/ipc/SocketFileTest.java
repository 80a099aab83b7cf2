package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketFileTest {

    @TempDir
    Path dir;

    @Test
    void socketIsMode0600InsideANew0700Directory() throws Exception {
        Path sock = dir.resolve("beamline").resolve("gateway.sock");
        IpcConfig cfg = new IpcConfig(sock, 8, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1);
        try (IpcServer s = TestServers.start(cfg)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())))
                    .isEqualTo("rwx------");
            assertThat(Files.list(sock.getParent())).as("no bind leftovers").containsExactly(sock);
        }
        assertThat(sock).as("removed on shutdown").doesNotExist();
    }

    @Test
    void aStaleSocketFromADeadProcessIsReplaced() throws Exception {
        Path sock = dir.resolve("gw.sock");
        // A bound-then-closed socket leaves a file nobody listens on, like a crashed gateway.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        assertThat(sock).exists();
        try (IpcServer s = TestServers.start(TestServers.config(dir));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(Frame.of(MessageType.PING));
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
        }
    }

    @Test
    void aSecondGatewayOnALiveSocketRefusesToStart() throws Exception {
        try (IpcServer first = TestServers.start(TestServers.config(dir))) {
            assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                    .isInstanceOf(SocketFile.InUseException.class)
                    .hasMessageContaining("already listening on " + first.socketPath());
            try (RawIpcConnection c = RawIpcConnection.open(first.socketPath())) {
                c.send(Frame.of(MessageType.PING));
                assertThat(c.read().type()).as("the first one is untouched").isEqualTo(MessageType.PONG);
            }
        }
    }

    @Test
    void aRegularFileAtTheSocketPathIsNeverDeleted() throws Exception {
        Path sock = dir.resolve("gw.sock");
        Files.writeString(sock, "precious");
        assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                .hasMessageContaining("is not a socket");
        assertThat(sock).hasContent("precious");
    }

    @Test
    void shutdownLeavesAFileThatIsNoLongerOursAlone() throws Exception {
        IpcServer s = TestServers.start(TestServers.config(dir));
        Path sock = s.socketPath();
        Files.delete(sock);
        Files.writeString(sock, "someone else's");
        s.close();
        assertThat(sock).hasContent("someone else's");
    }
}
