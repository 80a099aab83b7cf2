package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What a user does after `make run`: the real gateway process, reached by bin/ipc and the Java client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstGatewayIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Path dir;
    private LauncherProcess gateway;
    private Path sock;
    /** A private NATS with no Router on it: TASK_* get a deterministic no_responders answer. */
    private NatsServerProcess nats;

    @BeforeAll
    void startGateway(@TempDir Path tempDir) {
        dir = tempDir;
        sock = dir.resolve("gw.sock");
        nats = NatsServerProcess.start();
        gateway = LauncherProcess.start("ipc-gateway", dir, Map.of(), "--socket", sock.toString(),
                "--nats", nats.url());
        gateway.awaitStdout("listening on", WAIT);
    }

    @AfterAll
    void stopGateway() {
        gateway.terminate();
        assertThat(gateway.awaitExit(WAIT)).isZero();
        assertThat(gateway.stderr()).doesNotContain("LEAK");
        nats.close();
    }

    private LauncherProcess cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", sock.toString()));
        all.addAll(List.of(args));
        LauncherProcess p = LauncherProcess.start("ipc", dir, Map.of(), all.toArray(String[]::new));
        p.awaitExit(WAIT);
        return p;
    }

    @Test
    void pingAnswers() {
        try (LauncherProcess p = cli("ping")) {
            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isZero();
            assertThat(p.stdout()).contains("PONG");
        }
    }

    @Test
    void capsAsJsonForScripts() {
        try (LauncherProcess p = cli("--json", "caps")) {
            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isZero();
            assertThat(p.stdout()).contains("\"protocol_versions\":[1,2]", "\"max_frame_bytes\":4194304");
        }
    }

    @Test
    void capsSaysTheConnectionSpeaksV2UnlessV1IsForced() {
        try (LauncherProcess auto = cli("caps"); LauncherProcess v1 = cli("--protocol", "1", "caps")) {
            assertThat(auto.awaitExit(WAIT)).as(auto.stderr()).isZero();
            assertThat(auto.stdout()).contains("protocol versions: 1, 2 (this connection: v2)");
            assertThat(v1.awaitExit(WAIT)).as(v1.stderr()).isZero();
            assertThat(v1.stdout()).contains("protocol versions: 1, 2 (this connection: v1)");
        }
    }

    @Test
    void submitWithoutARouterIsA503AndExitCodeOne() {
        try (LauncherProcess p = cli("submit", "--type", "code_completion", "--payload", "{\"file\":\"a.py\"}")) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(1);
            assertThat(p.stderr()).containsAnyOf("no_responders", "nats_unavailable").contains("error 7", "(503)");
        }
    }

    @Test
    void theCliTellsAMissingGatewayFromAServerError() {
        try (LauncherProcess p = LauncherProcess.start("ipc", dir, Map.of(), "--socket",
                dir.resolve("nobody.sock").toString(), "ping")) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(3);
        }
    }

    @Test
    void theJavaClientPipelinesManyRequestsFromManyThreadsOnOneConnection() throws Exception {
        try (IpcClient client = IpcClient.connect(sock)) {
            assertThat(client.protocolVersion()).isEqualTo(2);
            List<CompletableFuture<?>> all = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 250; i++) {
                        CompletableFuture<?> f = switch (i % 3) {
                            case 0 -> client.ping();
                            case 1 -> client.capabilities().thenAccept(c ->
                                    assertThat(c.protocolVersions()).containsExactly(1, 2));
                            default -> client.query("t-" + i).handle((ok, e) -> {
                                assertThat(e).hasCauseInstanceOf(IpcErrorException.class);
                                assertThat(((IpcErrorException) e.getCause()).errorCode())
                                        .isEqualTo(ErrorCode.UNAVAILABLE);
                                return null;
                            });
                        };
                        synchronized (all) {
                            all.add(f);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
            assertThat(all).hasSize(1000);
            Capabilities caps = client.capabilities().get();
            assertThat(caps.messageTypes()).hasSize(12);
        }
    }
}
