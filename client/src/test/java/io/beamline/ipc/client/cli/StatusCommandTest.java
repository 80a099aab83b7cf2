package io.beamline.ipc.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.beamline.ipc.client.FakeGateway;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ipc status} in-process: a fake gateway's CAPABILITIES name a loopback HTTP server serving /status. */
class StatusCommandTest {

    /** A /status document as the gateway writes it (docs/operations/status.md), written out by hand. */
    private static final String STATUS = """
            {"version":"0.1.0-test","started_at":"2026-12-02T01:00:00Z","uptime_ms":3723000,"pid":4242,
             "socket_path":"/run/gw.sock","admin_url":"http://127.0.0.1:1","draining":false,
             "connections":{"open":2,"max":10,"max_per_pid":4,"max_per_uid":8,"peer_processes":1,
                            "by_uid":{"1000":2},"buffered_bytes":0,"max_buffered_bytes":67108864},
             "requests":{"unanswered":1,"router_pending":1,"late_replies":3},
             "admission":{"in_flight":1,"max_in_flight":1000,"refused":0},
             "nats":{"servers":["nats://app:****@127.0.0.1:4222"],"pool_size":1,"connected":1,
                     "members":[{"index":0,"state":"CONNECTED","connected_server":"nats://127.0.0.1:4222",
                                 "reconnects":2,"max_payload":1048576}]},
             "breaker":{"state":"half_open","opened":1,"refused":5,"open_ms":5000},
             "backpressure":{"enabled":true,"status":"warning","retry_after_ms":0,"refused":0,"poll_interval_ms":5000},
             "rate_limits":{"enabled":true,"tenant":{"per_second":50,"burst":70},"uid":{"per_second":0,"burst":0},
                            "tenant_overrides":{"acme":{"per_second":5,"burst":5}},
                            "fleet_tenant":{"per_second":0,"burst":0},"on_redis_failure":"fail_open",
                            "refused":{"uid":0,"tenant":7,"fleet_tenant":0}},
             "streams":{"active":0,"held":0,"max_running":1000},
             "config":{"ipc.max_connections":{"value":"10","source":"command line"},
                       "log.level":{"value":"info","source":"default"}}}
            """;

    @TempDir
    Path dir;

    private FakeGateway gateway;
    private HttpServer admin;
    private final AtomicInteger statusRequests = new AtomicInteger();

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (admin != null) {
            admin.stop(0);
        }
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Result ipc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = IpcCli.commandLine(new ByteArrayInputStream(new byte[0]), Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private String adminServing(String body) throws Exception {
        admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        admin.createContext("/status", ex -> {
            statusRequests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(bytes);
            }
        });
        admin.start();
        return "http://127.0.0.1:" + admin.getAddress().getPort();
    }

    /** A gateway whose CAPABILITIES are this JSON, as bytes (fields the client does not know included). */
    private String gatewayWithCapabilities(String capabilitiesJson) throws Exception {
        gateway = FakeGateway.start(dir.resolve("gw.sock"), (request, conn) -> conn.send(
                request.type() == MessageType.CAPABILITIES
                        ? Frame.of(MessageType.RESPONSE_OK, capabilitiesJson.getBytes(StandardCharsets.UTF_8))
                                .answering(request)
                        : FakeGateway.echoAnswer(request)));
        return gateway.socketPath().toString();
    }

    private static String capabilities(String adminUrl) {
        var node = Json.mapper().<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(FakeGateway.capabilities());
        if (adminUrl != null) {
            node.put("admin_url", adminUrl);
        }
        node.put("a_field_from_the_future", "ignored"); // existing clients must ignore what they do not know
        return node.toString();
    }

    @Test
    void theJavaClientReadsAdminUrlAndIgnoresUnknownFields() throws Exception {
        String socket = gatewayWithCapabilities(capabilities("http://127.0.0.1:9477"));
        try (IpcClient client = IpcClient.connect(Path.of(socket))) {
            Capabilities caps = client.capabilities().get();
            assertThat(caps.adminUrl()).isEqualTo("http://127.0.0.1:9477");
            assertThat(caps.gatewayVersion()).isEqualTo("0.1.0-test");
        }
    }

    @Test
    void statusPrintsEachSectionAligned() throws Exception {
        String socket = gatewayWithCapabilities(capabilities(adminServing(STATUS)));

        Result r = ipc("--socket", socket, "status");

        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).containsSubsequence(
                "gateway\n",
                "  version           0.1.0-test\n",
                "  pid               4242\n",
                "  started at        2026-12-02T01:00:00Z (up 1h 02m 03s)\n",
                "  draining          no\n",
                "connections\n",
                "  open              2 of 10\n",
                "  per uid max       8 (uid 1000: 2)\n",
                "  unanswered        1 requests (1 waiting on the Router, 3 late replies dropped)\n",
                "NATS\n",
                "  servers           nats://app:****@127.0.0.1:4222\n",
                "  connected         1 of 1\n",
                "  connection 0      CONNECTED nats://127.0.0.1:4222 (reconnects 2, max payload 1048576)\n",
                "  last failure      -\n",
                "breaker\n",
                "  state             half_open\n",
                "  failure rate      - (fewer calls than the minimum)\n",
                "  opened            1 times; 5 submits refused\n",
                "backpressure\n",
                "  status            warning (polled every 5000 ms)\n",
                "limits\n",
                "  in flight         1 of 1000 (0 refused)\n",
                "  rate per tenant   50/s, burst 70\n",
                "  rate per uid      unlimited\n",
                "  tenant overrides  acme 5/s, burst 5\n",
                "  rate refused      uid 0, tenant 7, fleet_tenant 0\n",
                "settings not at their default\n",
                "  ipc.max_connections = 10  (command line)\n");
        assertThat(r.out()).doesNotContain("log.level");
        assertThat(statusRequests).hasValue(1);
    }

    @Test
    void jsonPrintsTheDocumentAsItCame() throws Exception {
        String socket = gatewayWithCapabilities(capabilities(adminServing(STATUS)));

        Result r = ipc("--socket", socket, "--json", "status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(Json.mapper().readTree(r.out())).isEqualTo(Json.mapper().readTree(STATUS));
    }

    @Test
    void anAdminEndpointThatIsOffIsExplainedWithHowToTurnItOn() throws Exception {
        String socket = gatewayWithCapabilities(capabilities(null));

        Result r = ipc("--socket", socket, "status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.ADMIN_UNAVAILABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("has no admin endpoint", "admin.enabled=true", "BEAMLINE_ADMIN_ENABLED=true");
    }

    @Test
    void noGatewayAtTheSocketIsAConnectionError() {
        Result r = ipc("--socket", dir.resolve("nobody.sock").toString(), "status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.err()).contains("nobody.sock", "is the gateway running?");
    }

    @Test
    void anAdminUrlOffLoopbackIsNotAsked() throws Exception {
        String socket = gatewayWithCapabilities(capabilities("http://192.0.2.1:9477"));

        Result r = ipc("--socket", socket, "status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.PROTOCOL);
        assertThat(r.err()).contains("http://192.0.2.1:9477", "loopback");
    }

    @Test
    void anAdminEndpointThatDoesNotAnswerIsReported() throws Exception {
        adminServing(STATUS);
        int port = admin.getAddress().getPort();
        admin.stop(0);
        admin = null;
        String socket = gatewayWithCapabilities(capabilities("http://127.0.0.1:" + port));

        Result r = ipc("--socket", socket, "status");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.ADMIN_UNAVAILABLE);
        assertThat(r.err()).contains("did not answer GET http://127.0.0.1:" + port + "/status");
    }
}
