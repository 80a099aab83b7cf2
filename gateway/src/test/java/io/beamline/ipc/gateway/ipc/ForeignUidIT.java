package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.UidAllowList;
import io.beamline.ipc.protocol.Frame;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uid checks against a real client process of another user: python3 speaking protocol v1, started as
 * uid/gid 65534 ("nobody") with setpriv. Needs root (to switch uid); skipped otherwise.
 */
class ForeignUidIT {

    private static final int NOBODY = 65_534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * Connects, sends a v1 PING, reads one frame and, when asked, whether the connection then ends; prints
     * one JSON line. Passed with -c: the test's temp files are not readable by the other uid.
     */
    private static final String V1_CLIENT = """
            import errno, json, socket, struct, sys
            out = {}
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(20)
            try:
                s.connect(sys.argv[1])
            except OSError as e:
                print(json.dumps({"connect": errno.errorcode.get(e.errno, str(e.errno))}))
                sys.exit(0)
            out["connect"] = "ok"
            try:
                s.sendall(bytes([0, 0, 0, 6, 1, 0xF0]))
            except OSError as e:
                out["send"] = errno.errorcode.get(e.errno, str(e.errno))
            def read_exact(n):
                buf = b""
                while len(buf) < n:
                    chunk = s.recv(n - len(buf))
                    if not chunk:
                        return None
                    buf += chunk
                return buf
            header = read_exact(6)
            if header is None:
                out["frame"] = None
            else:
                length, version, kind = struct.unpack(">IBB", header)
                payload = read_exact(length - 6) if length > 6 else b""
                out["frame"] = {"version": version, "type": kind, "payload": payload.decode("utf-8")}
            if sys.argv[2] == "then-end":
                try:
                    out["after"] = "eof" if s.recv(1) == b"" else "more"
                except socket.timeout:
                    out["after"] = "still open"
                except ConnectionResetError:
                    out["after"] = "reset"
            print(json.dumps(out))
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRootAndTheTools() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "switching to another uid needs root");
        assumeTrue(Files.isExecutable(SETPRIV), "needs " + SETPRIV);
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON);
    }

    @Test
    void theDirectoryTheGatewayCreatesKeepsOtherUidsOut() throws Exception {
        // nobody is even on the allow-list: the only refusal possible is the kernel's, at the 0700 directory.
        Path sock = dir.resolve("beamline").resolve("gw.sock");
        letTheTestDirBeTraversed();
        try (IpcServer s = TestServers.start(config(sock, allowing(NOBODY)))) {
            JsonNode result = runAsNobody(sock, "served");
            assertThat(result.path("connect").asText()).isEqualTo("EACCES");
        }
    }

    @Test
    void theSocketsOwnModeKeepsOtherUidsOutOfAnOpenDirectory() throws Exception {
        Path sock = dir.resolve("gw.sock");
        letTheTestDirBeTraversed();
        try (IpcServer s = TestServers.start(config(sock, allowing(NOBODY)))) {
            JsonNode result = runAsNobody(sock, "served");
            assertThat(result.path("connect").asText()).as("refused by the socket's mode 0600").isEqualTo("EACCES");
        }
    }

    @Test
    void aUidNotAllowedIsToldPermissionDeniedThenClosed() throws Exception {
        Path sock = dir.resolve("gw.sock");
        letTheTestDirBeTraversed();
        UidAllowList selfAndRoot = new UidAllowList(false, true, Set.of(0));
        try (IpcServer s = TestServers.start(config(sock, selfAndRoot))) {
            // The file modes would stop nobody at connect; opened up, the gateway's own check must stop it.
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
            JsonNode result = runAsNobody(sock, "then-end");

            assertThat(result.path("connect").asText()).isEqualTo("ok");
            JsonNode frame = result.path("frame");
            assertThat(frame.path("version").asInt()).isEqualTo(1);
            assertThat(frame.path("type").asInt()).as("RESPONSE_ERROR").isEqualTo(0x11);
            JsonNode error = JSON.readTree(frame.path("payload").asText());
            assertThat(error.path("ok").asBoolean(true)).isFalse();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(12);
            assertThat(error.path("error").path("message").asText())
                    .isEqualTo("uid 65534 is not allowed to use this gateway (see ipc.allowed_uids)");
            assertThat(result.path("after").asText()).as("closed after the answer, the PING never answered")
                    .isIn("eof", "reset");
        }
    }

    @Test
    void aUidOnTheAllowListIsServed() throws Exception {
        Path sock = dir.resolve("gw.sock");
        letTheTestDirBeTraversed();
        try (IpcServer s = TestServers.start(config(sock, allowing(NOBODY)))) {
            // Listing a uid is not enough by itself: the socket file must also let it connect (here: opened by hand).
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
            JsonNode result = runAsNobody(sock, "served");

            assertThat(result.path("connect").asText()).isEqualTo("ok");
            assertThat(result.path("frame").path("version").asInt()).isEqualTo(1);
            assertThat(result.path("frame").path("type").asInt()).as("PONG").isEqualTo(0xF1);
            assertThat(result.path("frame").path("payload").asText()).isEmpty();
        }
    }

    private static UidAllowList allowing(int uid) {
        return new UidAllowList(false, true, Set.of(0, uid));
    }

    private static IpcConfig config(Path sock, UidAllowList allowed) {
        return new IpcConfig(sock, 8, Frame.MAX_FRAME_BYTES, allowed, 1);
    }

    /** JUnit's temp dir is 0700: let other uids pass through it (not list it), so the gateway's modes decide. */
    private void letTheTestDirBeTraversed() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    private JsonNode runAsNobody(Path sock, String expectation) throws Exception {
        Path out = Files.createTempFile(dir, "client-", ".out");
        Path err = Files.createTempFile(dir, "client-", ".err");
        Process client = new ProcessBuilder(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", PYTHON.toString(), "-I", "-c", V1_CLIENT, sock.toString(), expectation)
                .directory(new File("/"))
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        try {
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("the client process ends").isTrue();
        } finally {
            client.destroyForcibly();
        }
        assertThat(client.exitValue()).as("client stderr: %s", Files.readString(err, StandardCharsets.UTF_8))
                .isZero();
        return JSON.readTree(Files.readString(out, StandardCharsets.UTF_8));
    }
}
