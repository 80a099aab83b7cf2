package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket activation with the real launcher: {@code bin/ipc-gateway} started by systemd-socket-activate (the
 * systemd tool that binds a socket and execs the service with it on the first connection), and by a
 * stand-in for a systemd .socket unit (src/test/resources/socket-unit.py) that keeps the socket and starts the
 * service again after it exits, which systemd-socket-activate does not do. A private nats-server and the
 * reference Router answer the submits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketActivationIT {

    private static final Path SOCKET_ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration START = Deployment.START;
    private static final IpcClientOptions PATIENT = IpcClientOptions.defaults()
            .withConnectTimeout(START).withRequestTimeout(START); // the first connection waits for a JVM start

    private NatsServerProcess nats;
    private LauncherProcess router;

    @BeforeAll
    void natsAndRouter(@TempDir Path dir) {
        assumeTrue(Files.isExecutable(SOCKET_ACTIVATE), "needs " + SOCKET_ACTIVATE);
        nats = NatsServerProcess.start();
        router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url());
        router.awaitStdout("serving", START);
    }

    @AfterAll
    void stop() {
        try (NatsServerProcess n = nats; LauncherProcess r = router) {
            // closed in reverse order
        }
    }

    @Test
    void theFirstConnectionStartsTheGatewayAndItExitsWhenIdleLeavingTheSocketFile(@TempDir Path dir)
            throws Exception {
        Path sock = dir.resolve("gw.sock");
        try (LauncherProcess activate = socketActivate(dir, Map.of("BEAMLINE_IPC_ACTIVATION_IDLE_EXIT_MS", "1000"),
                "-l", sock.toString(), gateway(), "--nats", nats.url())) {
            await().atMost(START).until(() -> activate.stderr().contains("Listening on " + sock));

            // (1) Nothing runs before someone connects: the process is still systemd-socket-activate.
            assertThat(activate.command()).endsWith("systemd-socket-activate");
            assertThat(activate.stdout()).doesNotContain("listening on");

            // (2) The first connection is served: the JVM starts on it and takes the socket.
            try (IpcClient client = IpcClient.connect(sock, PATIENT)) {
                TaskResponse answer = client.submit(submit()).get(START.toSeconds(), TimeUnit.SECONDS);
                assertThat(answer.decision().orElseThrow().path("provider_id").asText()).isIn("openai", "anthropic");
            }
            assertThat(activate.command()).as("the same pid, now the JVM").endsWith("java");
            String log = activate.stdout() + activate.stderr();
            assertThat(log).contains("listening on inherited socket fd 3 (systemd socket activation) at " + sock)
                    .contains(" listening on " + sock); // the banner scripts wait for

            // (3) Idle for ipc.activation_idle_exit_ms: it exits 0; the socket file is systemd's and stays.
            assertThat(activate.awaitExit(START)).as(activate.stderr()).isZero();
            assertThat(activate.stdout() + activate.stderr())
                    .contains("(ipc.activation_idle_exit_ms): exiting; systemd starts the gateway again");
            assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(activate.stderr()).doesNotContain("LEAK");

            // systemd-socket-activate exec'd itself into the gateway and kept no socket: no one starts it again.
            // (A .socket unit does; see the next test.)
            assertThatThrownBy(() -> connect(sock)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aSocketUnitStartsTheGatewayAgainOnTheNextConnection(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON);
        Path sock = dir.resolve("gw.sock");
        Path unit = LauncherProcess.repoRoot().resolve("e2e/src/test/resources/socket-unit.py");
        try (LauncherProcess socketUnit = LauncherProcess.startCommand(dir, Map.of("BEAMLINE_IPC_ACTIVATION_IDLE_EXIT_MS", "1000"),
                PYTHON.toString(), unit.toString(), sock.toString(), gateway(), "--nats", nats.url())) {
            await().atMost(START).until(() -> socketUnit.stdout().contains("listening"));
            Object socketFile = fileKey(sock);

            for (int run = 1; run <= 2; run++) {
                try (IpcClient client = IpcClient.connect(sock, PATIENT)) {
                    TaskResponse answer = client.submit(submit()).get(START.toSeconds(), TimeUnit.SECONDS);
                    assertThat(answer.decision()).as("run %d", run).isPresent();
                }
                int exits = run;
                await().atMost(START).until(() -> count(socketUnit.stdout(), "exited \\d+ 0") == exits);
                assertThat(fileKey(sock)).as("the same socket file all along").isEqualTo(socketFile);
            }
            List<String> started = matches(socketUnit.stdout(), "started (\\d+)");
            assertThat(started).as(socketUnit.stdout()).hasSize(2).doesNotHaveDuplicates();
            assertThat(socketUnit.stdout()).doesNotContain("LEAK");
        }
    }

    @Test
    void twoSocketsStopTheStartWithAClearError(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.sock");
        Path b = dir.resolve("b.sock");
        try (LauncherProcess activate = socketActivate(dir, Map.of(), "-l", a.toString(), "-l", b.toString(), gateway(),
                "--nats", nats.url())) {
            await().atMost(START).until(() -> activate.stderr().contains("Listening on " + b));
            try (SocketChannel trigger = connect(a)) {
                assertThat(activate.awaitExit(START)).as("exit code: could not start").isEqualTo(1);
            }
            assertThat(activate.stderr()).contains("ipc-gateway: cannot start: socket activation: systemd passed 2"
                    + " sockets (LISTEN_FDS=2); the gateway serves exactly one");
        }
    }

    /**
     * systemd-socket-activate gives the service only the variables named with {@code -E} (and LISTEN_*), not
     * its own environment: the test's settings are passed that way.
     */
    private static LauncherProcess socketActivate(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(SOCKET_ACTIVATE.toString()));
        Map<String, String> all = new java.util.TreeMap<>(LauncherProcess.TEST_ENVIRONMENT);
        all.putAll(env);
        all.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        all.forEach((k, v) -> command.add("--setenv=" + k + "=" + v));
        command.addAll(List.of(args));
        return LauncherProcess.startCommand(dir, env, command.toArray(String[]::new));
    }

    private static String gateway() {
        return LauncherProcess.repoRoot().resolve("bin/ipc-gateway").toString();
    }

    private static ObjectNode submit() {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate");
        p.putObject("payload").put("prompt", "Hello");
        return p;
    }

    private static SocketChannel connect(Path sock) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(sock));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static int count(String text, String regex) {
        return matches(text, regex).size();
    }

    private static List<String> matches(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.groupCount() > 0 ? m.group(1) : m.group());
        }
        return found;
    }
}
