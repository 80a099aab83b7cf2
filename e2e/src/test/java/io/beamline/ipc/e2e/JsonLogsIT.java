package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real gateway and Router with {@code log.format=json} against a nats-server that requires a user and a
 * password, given in the NATS URLs (the gateway's seed list also names a server by a token): every line either
 * process writes, on stdout and stderr, the "listening" banner included, is a JSON object with the fixed
 * fields; no line holds the password or the token; a client connection's arrival is logged at debug, never info.
 */
class JsonLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_PASSWORD = "gw-pw-Jq71x";
    private static final String ROUTER_PASSWORD = "rt-pw-Lm55k";
    private static final String TOKEN = "tok-Wv38zz";
    private static final Duration WAIT = Duration.ofSeconds(60);
    // The gateway logs at debug here, on 2 busy cores: give its first answers time.
    private static final IpcClientOptions CLIENT = IpcClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(30));

    @TempDir
    Path dir;

    @Test
    void everyLineIsJsonAndNoSecretIsWritten() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.startWithConfig("authorization { users = [\n"
                + "  { user: gw, password: \"" + GATEWAY_PASSWORD + "\" }\n"
                + "  { user: router, password: \"" + ROUTER_PASSWORD + "\" }\n]}\n")) {
            int nobody = NatsServerProcess.freePort(); // a seed that is never up, named by a token
            String gatewayUrls = "nats://gw:" + GATEWAY_PASSWORD + "@127.0.0.1:" + nats.port()
                    + ",nats://" + TOKEN + "@127.0.0.1:" + nobody;
            Path socket = dir.resolve("gw.sock");
            try (LauncherProcess router = LauncherProcess.start("ipc-router", dir, Map.of(), "--nats",
                    "nats://router:" + ROUTER_PASSWORD + "@127.0.0.1:" + nats.port(), "--log-format", "json");
                 LauncherProcess gateway = LauncherProcess.start("ipc-gateway", dir,
                         Map.of("BEAMLINE_LOG_FORMAT", "json"), "--nats", gatewayUrls, "--socket", socket.toString(),
                         "--admin-port", "0", "--log-level", "debug")) {
                router.awaitStdout("serving", WAIT);
                gateway.awaitStdout("listening on", WAIT);
                gateway.awaitStdout("admin: http://127.0.0.1:", WAIT);
                await().atMost(WAIT).until(() -> gateway.stderr().contains("NATS connection 0 connected to nats://gw:"));

                drive(socket);
                // Metrics are scraped the way Deployment does: the admin line is found in JSON stdout too.
                assertThat(Deployment.metric(gateway, "nats_connections_connected")).isEqualTo(1.0);

                gateway.terminate();
                assertThat(gateway.awaitExit(WAIT)).as(gateway.stderr()).isZero();
                router.terminate();
                assertThat(router.awaitExit(WAIT)).as(router.stderr()).isZero();

                List<JsonNode> gatewayOut = lines("gateway stdout", gateway.stdout());
                List<JsonNode> gatewayErr = lines("gateway stderr", gateway.stderr());
                List<JsonNode> routerOut = lines("router stdout", router.stdout());
                List<JsonNode> routerErr = lines("router stderr", router.stderr());

                assertThat(gatewayOut).anySatisfy(l -> assertThat(l.get("message").asText())
                        .startsWith("Beamline IPC gateway ").contains(" listening on " + socket));
                assertThat(routerOut).anySatisfy(l -> assertThat(l.get("message").asText())
                        .contains(" serving beamline.router.v1.decide on nats://router:****@127.0.0.1:"));
                assertThat(gatewayErr).anySatisfy(l -> assertThat(l.get("message").asText())
                        .isEqualTo("NATS pool of 1 connection(s) to nats://gw:****@127.0.0.1:" + nats.port()
                                + ",nats://****@127.0.0.1:" + nobody));
                assertThat(gatewayErr).anySatisfy(l -> assertThat(l.get("message").asText()).isEqualTo("stopped"));
                // A client connection's arrival is logged, at debug; with 3 of them no info line is about one.
                List<JsonNode> arrivals = gatewayErr.stream()
                        .filter(l -> l.get("message").asText().startsWith("peer connected")).toList();
                assertThat(arrivals).hasSizeGreaterThanOrEqualTo(3)
                        .allSatisfy(l -> assertThat(l.get("level").asText()).isEqualTo("DEBUG"));
                // Each submit that ended: one debug line whose facts are fields of their own.
                List<JsonNode> ended = gatewayErr.stream()
                        .filter(l -> l.get("message").asText().matches("task \\S+ ended: .*")).toList();
                assertThat(ended).filteredOn(l -> l.path("status").asText().equals("ok")).hasSize(2)
                        .allSatisfy(l -> {
                            assertThat(l.get("level").asText()).isEqualTo("DEBUG");
                            assertThat(l.get("task_id").asText()).isNotBlank();
                            assertThat(l.get("trace_id").asText()).matches("[0-9a-f]{32}");
                            assertThat(l.get("tenant").asText()).isEqualTo("default_tenant");
                            assertThat(l.get("type").asText()).isEqualTo("code_completion");
                            assertThat(l.get("uid").asLong()).isEqualTo(uidOf());
                            assertThat(l.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                            assertThat(l.get("latency_ms").isNumber()).isTrue();
                        });
                assertThat(ended).filteredOn(l -> l.path("status").asText().equals("policy_not_found")).hasSize(1);
                assertThat(gatewayErr).noneSatisfy(l -> {
                    assertThat(l.get("level").asText()).isIn("INFO", "WARN");
                    assertThat(l.get("message").asText()).containsAnyOf("peer", "pid=", "uid=");
                });

                for (String output : List.of(gateway.stdout(), gateway.stderr(), router.stdout(), router.stderr())) {
                    assertThat(output).doesNotContain(GATEWAY_PASSWORD).doesNotContain(ROUTER_PASSWORD)
                            .doesNotContain(TOKEN);
                }
                assertThat(gateway.stderr()).doesNotContain("LEAK");
            }
        }
    }

    private static long uidOf() {
        try {
            return ((Number) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"))
                    .longValue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Three connections: decisions, a Router error (unknown policy), a bad submit, a query for no task. */
    private static void drive(Path socket) throws Exception {
        for (int i = 0; i < 2; i++) {
            try (IpcClient client = IpcClient.connect(socket, CLIENT)) {
                TaskResponse ok = client.submit(submit("code_completion")).get(30, TimeUnit.SECONDS);
                assertThat(ok.taskId()).isPresent();
            }
        }
        try (IpcClient client = IpcClient.connect(socket, CLIENT)) {
            ObjectNode unknownPolicy = submit("code_completion").put("policy_id", "no_such_policy");
            assertThatThrownBy(() -> client.submit(unknownPolicy).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IpcErrorException.class);
            ObjectNode noType = Json.mapper().createObjectNode();
            noType.putObject("payload").put("prompt", "x");
            assertThatThrownBy(() -> client.submit(noType).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IpcErrorException.class);
            assertThatThrownBy(() -> client.query("no-such-task").get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IpcErrorException.class);
        }
    }

    private static ObjectNode submit(String type) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", type);
        p.putObject("payload").put("prompt", "Hello");
        return p;
    }

    /** Each line of an output, parsed: a line that is no JSON object with the fixed fields fails the test. */
    private static List<JsonNode> lines(String what, String output) throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError(what + ": not a JSON line: " + line, e);
            }
            assertThat(node.isObject()).as("%s: %s", what, line).isTrue();
            for (String field : List.of("time", "level", "logger", "thread", "message")) {
                assertThat(node.hasNonNull(field)).as("%s: no %s in %s", what, field, line).isTrue();
            }
            OffsetDateTime.parse(node.get("time").asText());
            parsed.add(node);
        }
        assertThat(parsed).as(what).isNotEmpty();
        return parsed;
    }
}
