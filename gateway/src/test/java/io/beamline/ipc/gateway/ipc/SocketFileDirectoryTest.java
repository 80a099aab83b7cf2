package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory holding the socket: whoever can replace entries in it can put their own socket in the
 * gateway's place, so one that another user controls is refused before anything is created in it.
 */
class SocketFileDirectoryTest {

    private static final int NOBODY = 65_534;

    @TempDir
    Path dir;

    @Test
    void aDirectoryOthersMayWriteWithoutTheStickyBitIsRefused() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 0777);

        assertThatThrownBy(() -> TestServers.start(config(shared.resolve("gw.sock"))))
                .hasMessage("socket directory " + shared + " (mode 777) is writable by other users without the"
                        + " sticky bit, so they could replace the socket; remove their write access or choose"
                        + " another directory");

        assertThat(listing(shared)).as("nothing made in it").isEmpty();
    }

    @Test
    void aGroupWritableDirectoryIsRefusedToo() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 0770);

        assertThatThrownBy(() -> TestServers.start(config(shared.resolve("gw.sock"))))
                .hasMessageStartingWith("socket directory " + shared + " (mode 770) is writable by other users");
    }

    @Test
    void aStickyDirectoryLikeTmpIsServedIn() throws Exception {
        Path tmpLike = Files.createDirectory(dir.resolve("tmp"));
        Files.setAttribute(tmpLike, "unix:mode", 01777);

        try (IpcServer s = TestServers.start(config(tmpLike.resolve("gw.sock")))) {
            assertPings(s.socketPath());
        }
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        assumeRoot();
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", NOBODY);
        Files.setAttribute(theirs, "unix:mode", 0755);

        assertThatThrownBy(() -> TestServers.start(config(theirs.resolve("gw.sock"))))
                .hasMessage("socket directory " + theirs + " is owned by uid 65534, who could replace the socket;"
                        + " use a directory of this gateway's uid (0) or root");

        assertThat(listing(theirs)).isEmpty();
    }

    @Test
    void aSymlinkOfTheGatewaysOwnToItsOwnDirectoryIsFollowed() throws Exception {
        // Like /var/run -> /run: a link its owner keeps pointing where it points.
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("run"), real);

        try (IpcServer s = TestServers.start(config(link.resolve("gw.sock")))) {
            assertPings(s.socketPath());
            assertThat(listing(real)).containsExactly(real.resolve("gw.sock"));
            assertThat(Files.isSymbolicLink(link)).isTrue();
        }
    }

    @Test
    void aSymlinkOwnedByAnotherUserIsRefusedAndItsTargetLeftAlone() throws Exception {
        assumeRoot();
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("run"), real);
        Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

        assertThatThrownBy(() -> TestServers.start(config(link.resolve("gw.sock"))))
                .hasMessage("socket directory " + link + " is a symbolic link owned by uid 65534, who could point"
                        + " it elsewhere; use a directory of this gateway's uid (0) or root");

        assertThat(listing(real)).isEmpty();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAClearError() throws Exception {
        Path notADir = dir.resolve("run");
        Files.writeString(notADir, "kept");

        assertThatThrownBy(() -> TestServers.start(config(notADir.resolve("gw.sock"))))
                .hasMessage("socket directory " + notADir + " is not a directory");

        assertThat(notADir).hasContent("kept");
    }

    @Test
    void aDanglingSymlinkWhereTheDirectoryShouldBeIsAClearError() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("run"), dir.resolve("gone"));

        assertThatThrownBy(() -> TestServers.start(config(link.resolve("gw.sock"))))
                .hasMessage("socket directory " + link + " is not a directory");

        assertThat(dir.resolve("gone")).as("nothing created through the link").doesNotExist();
    }

    private static IpcConfig config(Path sock) {
        return new IpcConfig(sock, 8, Frame.MAX_FRAME_BYTES, TestServers.SELF_AND_ROOT, 1);
    }

    private static void assumeRoot() throws Exception {
        assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
                "giving a file to another uid needs root");
    }

    private static void assertPings(Path sock) {
        try (RawIpcConnection c = RawIpcConnection.open(sock)) {
            c.send(Frame.of(MessageType.PING));
            assertThat(c.read().type()).isEqualTo(MessageType.PONG);
        }
    }

    private static java.util.List<Path> listing(Path d) throws Exception {
        try (Stream<Path> entries = Files.list(d)) {
            return entries.toList();
        }
    }
}
