package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: hostile local processes against a live gateway (docs/SECURITY.md). Five processes, one workload
 * each ({@code e2e/src/test/python/hostile.py}): a lock-out (hundreds of connections, one byte on each), a
 * slow-loris (a frame one byte a second), 4 MiB frames in a loop, a connect/close storm and random frames.
 * Meanwhile a well-behaved client in this JVM (another pid) keeps getting its answers, a new connection of
 * it is served, the per-process cap and the frame timeout answer the hostile ones with their named reasons,
 * and the gateway's memory stays bounded.
 */
class HostileClientsIT {

    private static final Path SCRIPT = LauncherProcess.repoRoot().resolve("e2e/src/test/python/hostile.py");
    private static final int PER_PID = 32;
    private static final int HOSTILE_CONNECTIONS = 300;
    private static final List<String> WORKLOADS = List.of("lockout", "slowloris", "bigframes", "storm", "random");
    private static final int ROUNDS = 4;
    private static final int REQUESTS_PER_ROUND = 500;
    /**
     * 1.1 GB before the limits of issue 11; ~170 MB with them (heap, the 64 MiB buffered-bytes budget at most, the
     * JVM itself). The bound catches a defence that stops holding, not a few MB more.
     */
    private static final long MAX_RSS_BYTES = 300L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aWellBehavedClientIsServedWhileHostileProcessesRun() throws Exception {
        Map<String, String> env = Map.of(
                "BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID", Integer.toString(PER_PID),
                "BEAMLINE_IPC_FRAME_TIMEOUT_MS", "3000");
        try (Deployment d = Deployment.start(dir, List.of(), List.of(), env);
             IpcClient good = IpcClient.connect(d.socket)) {
            latencies(good, 500); // JIT and pools, not measured

            List<Hostile> attackers = new ArrayList<>();
            RssSampler rss = new RssSampler(d.gateway.pid());
            try {
                for (String workload : WORKLOADS) {
                    attackers.add(Hostile.start(d.socket, workload));
                }
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (Hostile h : attackers) {
                        assertThat(h.last()).as(h.workload + " under way").isNotNull();
                    }
                    assertThat(attackers.get(0).last().path("connected").asInt()).isEqualTo(HOSTILE_CONNECTIONS);
                    assertThat(attackers.get(2).last().path("answers").isEmpty()).as("4 MiB frames answered").isFalse();
                });
                // Alone and under attack in turns (the hostile processes stopped and continued), so that a change
                // in the machine's load during the test weighs on both alike.
                List<Long> alone = new ArrayList<>();
                List<Long> attacked = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    attackers.forEach(Hostile::pause);
                    alone.addAll(latencies(good, REQUESTS_PER_ROUND));
                    attackers.forEach(Hostile::resume);
                    attacked.addAll(latencies(good, REQUESTS_PER_ROUND));
                }
                long p99Alone = percentile(alone, 0.99);
                long p99Attacked = percentile(attacked, 0.99);
                System.out.printf("hostile: good client p50 %.3f -> %.3f ms, p99 %.3f -> %.3f ms; gateway RSS max %d MB%n",
                        percentile(alone, 0.50) / 1e6, percentile(attacked, 0.50) / 1e6, p99Alone / 1e6,
                        p99Attacked / 1e6, rss.max() >> 20);

                // The lock-out process took its share and no more: this process still gets in.
                try (IpcClient fresh = IpcClient.connect(d.socket)) {
                    assertThat(fresh.ping().get(10, TimeUnit.SECONDS)).isNotNull();
                }
                // Held half-frames do not stay: the frame timeout answers and closes them.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode lockout = attackers.get(0).last();
                    assertThat(lockout.path("answers").path("connection_limit_pid").asInt())
                            .isEqualTo(HOSTILE_CONNECTIONS - PER_PID);
                    assertThat(lockout.path("answers").path("frame_timeout").asInt()).isEqualTo(PER_PID);
                    assertThat(lockout.path("closed_by_gateway").asInt()).isEqualTo(HOSTILE_CONNECTIONS);
                    JsonNode loris = attackers.get(1).last();
                    assertThat(loris.path("answers").path("frame_timeout").asInt()).isEqualTo(PER_PID);
                });

                assertThat(p99Attacked).as("p99 under attack vs alone (ns)").isLessThanOrEqualTo(2 * p99Alone);
                assertThat(rss.max()).as("gateway RSS during the attack").isLessThan(MAX_RSS_BYTES);
            } finally {
                rss.close();
                attackers.forEach(Hostile::close);
            }
            // Every hostile connection is gone; the gateway still serves.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(d.metric("ipc_connections_open")).isEqualTo(1.0));
            assertThat(latencies(good, 10)).hasSize(10);
        }
    }

    /** Sequential submits on one connection, each answered OK; their round-trip times in ns. */
    private static List<Long> latencies(IpcClient client, int n) throws Exception {
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate");
            p.putObject("payload").put("prompt", "hello " + i);
            long t0 = System.nanoTime();
            assertThat(client.submit(p).get(30, TimeUnit.SECONDS).decision()).isPresent();
            out.add(System.nanoTime() - t0);
        }
        return out;
    }

    private static long percentile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** One hostile process; its last line of counters. */
    private static final class Hostile implements AutoCloseable {
        final String workload;
        private final Process process;
        private final AtomicReference<JsonNode> last = new AtomicReference<>();

        private Hostile(String workload, Process process) {
            this.workload = workload;
            this.process = process;
            Thread reader = new Thread(this::read, "hostile-" + workload);
            reader.setDaemon(true);
            reader.start();
        }

        static Hostile start(Path socket, String workload) throws IOException {
            // At the lowest CPU priority: the hostile processes' own CPU is the kernel's to share out; what the test
            // shows is that what the gateway does for them does not cost its other clients.
            List<String> cmd = new ArrayList<>(List.of("nice", "-n", "19", "python3", SCRIPT.toString(), "--socket", socket.toString(),
                    "--workload", workload, "--connections", Integer.toString(HOSTILE_CONNECTIONS),
                    "--rate", "1000"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            return new Hostile(workload, pb.start());
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    last.set(Json.mapper().readTree(line));
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        JsonNode last() {
            return last.get();
        }

        void pause() {
            signal("-STOP");
        }

        void resume() {
            signal("-CONT");
        }

        private void signal(String signal) {
            try {
                int code = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
                assertThat(code).as("kill " + signal + " " + workload).isZero();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The gateway's RSS every 100 ms, from /proc. */
    private static final class RssSampler implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        RssSampler(long pid) {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            timer.scheduleAtFixedRate(() -> {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmRSS:")) {
                            max.accumulateAndGet(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024, Math::max);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // the gateway is gone: sampling stops, the test fails elsewhere
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        long max() {
            return max.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
