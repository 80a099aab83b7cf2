package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.IpcLimits;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.config.UidAllowList;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a socket it did not bind, as systemd passes one: a real listening Unix socket made in this JVM
 * and handed over by its fd. The peer checks hold as on a socket of its own; the file and its mode are left alone.
 */
class InheritedSocketServerTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void nativeSockets() {
        Epoll.ensureAvailability();
    }

    /** What systemd would pass: bound and listening, file mode set by "the unit". */
    private Socket listening(Path path) throws Exception {
        Socket s = Socket.newSocketDomain();
        s.bind(new DomainSocketAddress(path.toFile()));
        s.listen(64);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        return s;
    }

    private IpcServer serve(Socket socket, UidAllowList allowed, int perPid) throws Exception {
        IpcConfig config = new IpcConfig(dir.resolve("unused").resolve("configured.sock"), 16, Frame.MAX_FRAME_BYTES,
                allowed, 1).withLimits(new IpcLimits(perPid, 10, Duration.ofSeconds(10), Duration.ZERO,
                IpcLimits.DEFAULT_MAX_BUFFERED_BYTES));
        SystemdActivation activation = new SystemdActivation(InheritedSocket.check(socket.intValue()),
                Optional.of("beamline-gateway.socket"));
        return IpcServer.start(config, StreamsConfig.DEFAULTS, new ControllableTasks(), new SimpleMeterRegistry(),
                Optional.of(activation));
    }

    @Test
    void servesTheInheritedSocketAndLeavesItsFileAndModeToSystemd() throws Exception {
        Path path = dir.resolve("gw.sock");
        Socket socket = listening(path);
        try (IpcServer s = serve(socket, TestServers.SELF_AND_ROOT, 8)) {
            assertThat(s.socketActivated()).isTrue();
            assertThat(s.socketPath()).as("the inherited socket's path, not ipc.socket_path").isEqualTo(path);
            try (RawIpcConnection c = RawIpcConnection.open(path)) {
                c.send(Frame.of(MessageType.PING));
                assertThat(c.read().type()).isEqualTo(MessageType.PONG);
            }
            assertThat(s.acceptedConnections()).isEqualTo(1);
            assertThat(Files.notExists(dir.resolve("unused"))).as("ipc.socket_path's directory not made").isTrue();
        }
        assertThat(Files.exists(path)).as("systemd's socket file stays after the gateway stops").isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                .as("the unit's mode, not the gateway's 0600").isEqualTo("rw-rw-rw-");
    }

    @Test
    void theProcessCapHoldsOnTheInheritedSocket() throws Exception {
        Path path = dir.resolve("gw.sock");
        try (IpcServer s = serve(listening(path), TestServers.SELF_AND_ROOT, 2);
             RawIpcConnection first = RawIpcConnection.open(path);
             RawIpcConnection second = RawIpcConnection.open(path)) {
            first.send(Frame.of(MessageType.PING));
            second.send(Frame.of(MessageType.PING));
            assertThat(first.read().type()).isEqualTo(MessageType.PONG);
            assertThat(second.read().type()).isEqualTo(MessageType.PONG);
            try (RawIpcConnection third = RawIpcConnection.open(path)) {
                assertThat(errorOf(third.read()).path("reason").asText()).isEqualTo("connection_limit_pid");
                assertThat(third.awaitClosed(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    @Test
    void aUidNotAllowedIsRefusedOnTheInheritedSocket() throws Exception {
        Path path = dir.resolve("gw.sock");
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        UidAllowList someoneElse = new UidAllowList(false, false, Set.of(self == 4_000 ? 4_001 : 4_000));
        try (IpcServer s = serve(listening(path), someoneElse, 8);
             RawIpcConnection c = RawIpcConnection.open(path)) {
            c.send(Frame.of(MessageType.PING));
            assertThat(errorOf(c.read()).path("message").asText())
                    .isEqualTo("uid " + self + " is not allowed to use this gateway (see ipc.allowed_uids)");
            assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void takingRemovesTheVariablesFromTheProcessEnvironment() throws Exception {
        assertThat(NativeEnvironment.set("LISTEN_FDNAMES", "left-by-a-parent")).as("needs JDK 22+").isTrue();
        assertThat(childSees("LISTEN_FDNAMES")).isEqualTo("left-by-a-parent");

        // Meant for another process: nothing taken, and still removed (as sd_listen_fds(unset_environment=1)).
        assertThat(SystemdActivation.take(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1",
                "LISTEN_FDNAMES", "left-by-a-parent"), ProcessHandle.current().pid())).isEmpty();

        assertThat(childSees("LISTEN_FDNAMES")).isEqualTo("(unset)");
    }

    @Test
    void aSocketMeantForUsThatIsNotServableStopsTheStart() {
        // fd 1_000_000 is not open: the check runs on what LISTEN_* name, here fd 3 of this JVM is some file.
        long self = ProcessHandle.current().pid();
        assertThatThrownBy(() -> SystemdActivation.take(Map.of("LISTEN_PID", Long.toString(self),
                "LISTEN_FDS", "1"), self)).hasMessageStartingWith("socket activation: fd 3 cannot be served: ");
    }

    /** A child started without an environment of its own gets this process's (native) one. */
    private String childSees(String variable) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf %s \"${" + variable + "-(unset)}\"")
                .directory(new File("/")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }
}
