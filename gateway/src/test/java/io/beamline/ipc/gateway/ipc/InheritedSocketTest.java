package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fd check on real descriptors of this JVM, made with Netty's native socket calls: what systemd could
 * pass by mistake (a TCP socket, a datagram socket, a connection, a file) is refused, a listening Unix stream
 * socket is taken with its path.
 */
class InheritedSocketTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void nativeSockets() {
        Epoll.ensureAvailability();
    }

    @Test
    void aListeningUnixStreamSocketIsTakenWithItsPath() throws Exception {
        Path path = dir.resolve("gw.sock");
        Socket s = Socket.newSocketDomain();
        try {
            s.bind(new DomainSocketAddress(path.toFile()));
            s.listen(16);
            InheritedSocket inherited = InheritedSocket.check(s.intValue());
            assertThat(inherited.fd()).isEqualTo(s.intValue());
            assertThat(inherited.path()).contains(path);
        } finally {
            s.close();
        }
    }

    @Test
    void aUnixStreamSocketThatDoesNotListenIsRefused() throws Exception {
        Socket s = Socket.newSocketDomain();
        try {
            s.bind(new DomainSocketAddress(dir.resolve("bound.sock").toFile()));
            assertThatThrownBy(() -> InheritedSocket.check(s.intValue()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("socket activation: fd " + s.intValue() + " cannot be served: it is a Unix-domain"
                            + " stream socket that does not listen (a connection? The .socket unit must not set"
                            + " Accept=yes)");
        } finally {
            s.close();
        }
    }

    @Test
    void aUnixDatagramSocketIsRefused() throws Exception {
        Socket s = Socket.newSocketDomainDgram();
        try {
            s.bind(new DomainSocketAddress(dir.resolve("dgram.sock").toFile()));
            assertThatThrownBy(() -> InheritedSocket.check(s.intValue()))
                    .hasMessage("socket activation: fd " + s.intValue() + " cannot be served: it is a Unix-domain"
                            + " socket of type SOCK_DGRAM, not a stream socket (ListenStream=, not ListenDatagram= or"
                            + " ListenSequentialPacket=)");
        } finally {
            s.close();
        }
    }

    @Test
    void aListeningTcpSocketIsRefused() throws Exception {
        Socket s = Socket.newSocketStream();
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            s.listen(16);
            assertThatThrownBy(() -> InheritedSocket.check(s.intValue()))
                    .hasMessage("socket activation: fd " + s.intValue() + " cannot be served: it is a socket but not"
                            + " a Unix-domain one (e.g. TCP: ListenStream= must be a path)");
        } finally {
            s.close();
        }
    }

    @Test
    void aFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-socket"), "x");
        FileDescriptor fd = FileDescriptor.from(file.toFile());
        try {
            assertThatThrownBy(() -> InheritedSocket.check(fd.intValue()))
                    .hasMessage("socket activation: fd " + fd.intValue() + " cannot be served: it is not a socket but "
                            + file.toRealPath());
        } finally {
            fd.close();
        }
    }

    @Test
    void anFdNotOpenIsRefused() {
        assertThatThrownBy(() -> InheritedSocket.check(1_000_000))
                .hasMessage("socket activation: fd 1000000 cannot be served: it is not open");
    }
}
