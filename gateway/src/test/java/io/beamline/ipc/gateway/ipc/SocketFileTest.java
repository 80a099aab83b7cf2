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
import java.util.concurrent.TimeUnit;
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
    void shutdownLeavesAFileThatIsNoLongerOursAlone() throws Exception {
        IpcServer s = TestServers.start(TestServers.config(dir));
        Path sock = s.socketPath();
        Files.delete(sock);
        Files.writeString(sock, "someone else's");
        s.close();
        assertThat(sock).hasContent("someone else's");
    }

    @Test
    void aSymlinkAtTheSocketPathIsRefusedNotFollowedNotDeleted() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path target = elsewhere.resolve("precious.txt");
        Files.writeString(target, "precious");
        Path sock = Files.createSymbolicLink(dir.resolve("gw.sock"), target);

        assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                .hasMessage(sock + " is a symbolic link; not following or removing it");

        assertThat(Files.isSymbolicLink(sock)).as("the link is left as it was").isTrue();
        assertThat(Files.readSymbolicLink(sock)).isEqualTo(target);
        assertThat(target).hasContent("precious");
    }

    @Test
    void aSymlinkToAStaleSocketIsRefusedAndTheSocketItPointsToIsKept() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path staleTarget = elsewhere.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(staleTarget));
        }
        Path sock = Files.createSymbolicLink(dir.resolve("gw.sock"), staleTarget);

        // Following the link would find a stale socket and remove it: a link must never lead the gateway anywhere.
        assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                .hasMessage(sock + " is a symbolic link; not following or removing it");

        assertThat(Files.isSymbolicLink(sock)).isTrue();
        assertThat(fileType(staleTarget)).as("the socket it points to is untouched").isEqualTo(S_IFSOCK);
    }

    @Test
    void aDirectoryAtTheSocketPathIsRefusedAndKept() throws Exception {
        Path sock = Files.createDirectory(dir.resolve("gw.sock"));
        Files.writeString(sock.resolve("inside.txt"), "kept");

        assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                .hasMessage(sock + " exists and is a directory, not a socket; not touching it");

        assertThat(sock.resolve("inside.txt")).hasContent("kept");
    }

    @Test
    void aFifoAtTheSocketPathIsRefusedAndKept() throws Exception {
        Path sock = dir.resolve("gw.sock");
        Process mkfifo = new ProcessBuilder("mkfifo", sock.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        // A fifo looks like a socket to BasicFileAttributes.isOther(), and a connect to it is refused like a
        // stale socket's: only the file type tells them apart.
        assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                .hasMessage(sock + " exists and is a fifo, not a socket; not touching it");

        assertThat(fileType(sock)).as("still the fifo").isEqualTo(S_IFIFO);
    }

    @Test
    void aRegularFileAtTheSocketPathIsRefusedWithAClearMessage() throws Exception {
        Path sock = dir.resolve("gw.sock");
        Files.writeString(sock, "precious");
        assertThatThrownBy(() -> TestServers.start(TestServers.config(dir)))
                .hasMessage(sock + " exists and is a regular file, not a socket; not touching it");
        assertThat(sock).hasContent("precious");
    }

    @Test
    void anExistingSocketDirectoryKeepsItsMode() throws Exception {
        Path own = Files.createDirectory(dir.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx--x--x")); // whatever the umask
        Path sock = own.resolve("gw.sock");
        IpcConfig cfg = new IpcConfig(sock, 8, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1);
        try (IpcServer s = TestServers.start(cfg)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own))).isEqualTo("rwx--x--x");
            assertThat(Files.list(own)).as("no bind leftovers").containsExactly(sock);
        }
    }

    @Test
    void aSocketPathOfTheLongestLengthAJavaClientCanReachIsServed() throws Exception {
        // The JDK's Unix sockets (our client's, the probe's) take paths of at most 106 bytes; the private bind
        // path beside it must fit in sun_path too.
        Path deep = Files.createDirectory(dir.resolve("d".repeat(106 - "/gw.sock".length() - dir.toString().length() - 1)));
        Path sock = deep.resolve("gw.sock");
        assertThat(sock.toString()).hasSize(106);
        try (IpcServer s = TestServers.start(config(sock));
             RawIpcConnection c = RawIpcConnection.open(s.socketPath())) {
            c.send(Frame.of(MessageType.PING));
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
        }
    }

    @Test
    void aSocketDirectoryTooLongToBindInIsAClearError() throws Exception {
        Path deep = Files.createDirectory(dir.resolve("d".repeat(104 - dir.toString().length() - 1)));
        Path sock = deep.resolve("a");
        assertThat(sock.toString()).hasSize(106);

        assertThatThrownBy(() -> TestServers.start(config(sock)))
                .hasMessage("socket directory " + deep + " is too long to bind in: at most 102 bytes");
        assertThat(Files.list(deep)).isEmpty();
    }

    @Test
    void aLiveSocketThatCannotBeProbedIsNotTakenForStale() throws Exception {
        // 107 bytes: the kernel (and Netty) take it, the JDK's probe cannot connect to it. Not knowing whether
        // someone listens must not end in removing their socket.
        Path deep = Files.createDirectory(dir.resolve("d".repeat(107 - "/gw.sock".length() - dir.toString().length() - 1)));
        Path sock = deep.resolve("gw.sock");
        assertThat(sock.toString()).hasSize(107);
        try (IpcServer first = TestServers.start(config(sock))) {
            Object firstSocket = Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();

            assertThatThrownBy(() -> TestServers.start(config(sock)))
                    .hasMessage("cannot tell whether a gateway is listening on " + sock
                            + " (Unix domain path too long); not removing it");

            assertThat(Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey()).as("the first one's socket is still there")
                    .isEqualTo(firstSocket);
        }
    }

    @Test
    void theRootDirectoryAsTheSocketPathIsAClearError() {
        // "/" passes the setting's check (absolute, short) but has no parent to bind in.
        assertThatThrownBy(() -> TestServers.start(config(Path.of("/"))))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("socket path / names no file");
    }

    private static IpcConfig config(Path sock) {
        return new IpcConfig(sock, 8, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1);
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFIFO = 0010000;

    private static int fileType(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & S_IFMT;
    }
}
