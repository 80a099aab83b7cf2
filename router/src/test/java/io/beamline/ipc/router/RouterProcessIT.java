package io.beamline.ipc.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Router as users run it: a real process started by bin/ipc-router, against a real nats-server. */
class RouterProcessIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void helpListsTheOptionsAndExitsZero() {
        try (LauncherProcess p = LauncherProcess.start("ipc-router", dir, Map.of(), "--help")) {
            assertThat(p.awaitExit(START)).isZero();
            assertThat(p.stdout()).contains("--nats", "--policies", "--name", "--queue-group", "--enable-faults",
                    "--fault-slow-start-ms", "--max-delayed-replies", "--stream-chunks", "--stream-chunk-bytes",
                    "--stream-interval-ms",
                    "Exit codes");
        }
    }

    @Test
    void servesDecideWithAPolicyDirectoryThenDrainsAndExitsZeroOnSigterm() throws Exception {
        Path policies = dir.resolve("policies");
        Files.createDirectories(policies.resolve("acme"));
        Files.writeString(policies.resolve("acme/premium.json"),
                "{\"providers\":[{\"name\":\"claude\",\"weight\":100,\"expected_latency_ms\":900}]}");
        try (NatsServerProcess nats = NatsServerProcess.start();
             LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(),
                     "--policies", policies.toString());
             Connection client = Nats.connect(nats.url())) {
            router.awaitStdout("serving beamline.router.v1.decide", START);
            Message reply = client.request("beamline.router.v1.decide", ("{\"request_id\":\"p1\",\"tenant_id\":\"acme\","
                    + "\"policy_id\":\"premium\",\"task\":{\"type\":\"t\",\"payload\":{\"prompt\":\"Hello\"}}}")
                    .getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
            assertThat(reply).isNotNull();
            JsonNode tree = JSON.readTree(reply.getData());
            assertThat(tree.at("/decision/provider_id").asText()).isEqualTo("claude");
            assertThat(tree.at("/decision/expected_latency_ms").asLong()).isEqualTo(900);

            router.terminate();
            assertThat(router.awaitExit(START)).as("exit code after SIGTERM").isZero();
        }
    }

    @Test
    void anInvalidPolicyFileOrSettingIsAUsageErrorWithExitTwo() throws Exception {
        Path policies = dir.resolve("bad");
        Files.createDirectories(policies.resolve("acme"));
        Files.writeString(policies.resolve("acme/p.json"), "{\"providers\":\"openai\"}");
        try (LauncherProcess p = LauncherProcess.start("ipc-router", dir, Map.of(), "--policies", policies.toString())) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            assertThat(p.stderr()).contains("acme/p.json", "providers must be an array");
        }
        try (LauncherProcess p = LauncherProcess.start("ipc-router", dir, Map.of(), "--queue-group", "has space")) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            assertThat(p.stderr()).contains("--queue-group", "\"has space\"");
        }
    }

    @Test
    void slowStartNeedsEnableFaults() {
        try (LauncherProcess p = LauncherProcess.start("ipc-router", dir, Map.of(), "--fault-slow-start-ms", "100")) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            assertThat(p.stderr()).contains("--fault-slow-start-ms", "--enable-faults");
        }
    }

    @Test
    void withEnableFaultsItWarnsAndASlowStartDelaysServing() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", nats.url(),
                     "--enable-faults", "--fault-slow-start-ms", "4000");
             Connection client = Nats.connect(nats.url())) {
            router.awaitStdout("fault slow start: serving in 4000 ms", START);
            byte[] body = ("{\"request_id\":\"slow\",\"tenant_id\":\"default_tenant\",\"task\":{\"type\":\"t\","
                    + "\"payload\":{\"prompt\":\"Hello\"}}}").getBytes(StandardCharsets.UTF_8);
            assertThat(client.requestWithTimeout("beamline.router.v1.decide", body, Duration.ofSeconds(1)))
                    .as("not served during the slow start").failsWithin(Duration.ofSeconds(3));
            router.awaitStdout("serving beamline.router.v1.decide", START);
            assertThat(router.stdout()).contains("FAULT INJECTION ENABLED");
            assertThat(router.stderr()).contains("FAULT INJECTION ENABLED (--enable-faults)");
            Message reply = client.request("beamline.router.v1.decide", body, Duration.ofSeconds(10));
            assertThat(reply).isNotNull();
            assertThat(JSON.readTree(reply.getData()).get("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void anUnreachableNatsServerIsAStartFailureWithExitOne() {
        try (LauncherProcess p = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats", "nats://127.0.0.1:1")) {
            assertThat(p.awaitExit(START)).isEqualTo(1);
            assertThat(p.stderr()).contains("cannot connect to nats://127.0.0.1:1");
        }
    }
}
