package io.beamline.ipc.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.FakeGateway;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code ipc} in-process against the fake gateway and checks output and exit codes. */
class IpcCliTest {

    @TempDir
    Path dir;

    private FakeGateway gateway;

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Result ipc(String... args) {
        return ipcWith("", Map.of(), args);
    }

    private Result ipcWith(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = IpcCli.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private String start(FakeGateway.Script script) throws Exception {
        gateway = FakeGateway.start(dir.resolve("gw.sock"), script);
        return gateway.socketPath().toString();
    }

    /**
     * The request one run of {@code ipc} sent after its handshake: the CLI first asks CAPABILITIES (in
     * v1) to choose the protocol version, and the fake gateways here offer v1 only.
     */
    private Frame requestAfterHandshake() {
        Frame handshake = gateway.received().poll();
        assertThat(handshake.type()).isEqualTo(MessageType.CAPABILITIES);
        assertThat(handshake.version()).isEqualTo(Frame.V1);
        Frame request = gateway.received().poll();
        assertThat(request.version()).isEqualTo(Frame.V1);
        return request;
    }

    private static ObjectNode json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- success: exit 0 ----

    @Test
    void pingPrintsTheRoundTrip() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipc("--socket", socket, "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).matches("PONG from \\Q" + socket + "\\E in \\d+\\.\\d\\d ms\\R");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void globalOptionsAlsoWorkAfterTheCommand() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipc("ping", "--socket", socket, "--json", "--timeout", "5000");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        ObjectNode answer = json(r.out());
        assertThat(answer.path("pong").asBoolean()).isTrue();
        assertThat(answer.path("socket").asText()).isEqualTo(socket);
        assertThat(r.out().strip()).doesNotContain("\n");
    }

    @Test
    void socketComesFromTheEnvironmentWhenNotGiven() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipcWith("", Map.of(SocketPaths.ENV, socket, SocketPaths.LEGACY_ENV, "/nonexistent.sock"), "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).startsWith("PONG from " + socket);
    }

    @Test
    void capsPrintsASummary() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipc("--socket", socket, "caps");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains(
                "gateway 0.1.0-test at " + socket,
                "protocol versions: 1",
                "max frame: 4194304 bytes",
                "served: TASK_SUBMIT (0x01), PING (0xF0)",
                "not served: STREAM_SUBSCRIBE (0x04)",
                "features: pipelining, capabilities");
    }

    @Test
    void capsJsonPrintsTheCapabilitiesObject() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipc("--socket", socket, "--json", "caps");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(json(r.out())).isEqualTo(Json.mapper().valueToTree(FakeGateway.capabilities()));
    }

    @Test
    void submitBuildsTheNativePayload() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipc("--socket", socket, "--json", "submit", "--type", "code_completion",
                "--payload", "{\"file\":\"a.py\",\"line\":42}", "--tenant", "acme", "--policy", "fast", "--task-id", "t-1");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        ObjectNode expected = json("{\"task_type\":\"code_completion\",\"payload\":{\"file\":\"a.py\",\"line\":42},"
                + "\"tenant_id\":\"acme\",\"policy_id\":\"fast\",\"task_id\":\"t-1\"}");
        Frame sent = requestAfterHandshake();
        assertThat(sent.type()).isEqualTo(MessageType.TASK_SUBMIT);
        assertThat(Json.parseObject(sent.payload())).isEqualTo(expected);
        assertThat(json(r.out())).isEqualTo(expected); // the fake echoes, so --json shows the answer as is
    }

    @Test
    void submitOmitsOptionalFieldsAndPrintsAHumanSummary() throws Exception {
        String socket = start((request, conn) -> conn.send(Frame.of(MessageType.RESPONSE_OK,
                "{\"task_id\":\"t-9\",\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8))));

        Result r = ipc("--socket", socket, "submit", "--type", "t", "--payload", "{}");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(Json.parseObject(requestAfterHandshake().payload())).isEqualTo(json("{\"task_type\":\"t\",\"payload\":{}}"));
        assertThat(r.out()).startsWith("OK task_id=t-9 status=accepted" + System.lineSeparator()).contains("\"status\" : \"accepted\"");
    }

    @Test
    void submitReadsThePayloadFromAFileOrStdin() throws Exception {
        String socket = start(FakeGateway.echo());
        Path file = Files.writeString(dir.resolve("p.json"), "{\"from\":\"file\"}");

        Result fromFile = ipc("--socket", socket, "--json", "submit", "--type", "t", "--payload", "@" + file);
        Result fromStdin = ipcWith("{\"from\":\"stdin\"}", Map.of(), "--socket", socket, "--json", "submit", "--type", "t", "--payload", "@-");

        assertThat(fromFile.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(json(fromFile.out()).path("payload")).isEqualTo(json("{\"from\":\"file\"}"));
        assertThat(fromStdin.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(json(fromStdin.out()).path("payload")).isEqualTo(json("{\"from\":\"stdin\"}"));
    }

    @Test
    void queryAndCancelSendTheTaskId() throws Exception {
        String socket = start(FakeGateway.echo());

        assertThat(ipc("--socket", socket, "query", "t-1").exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(ipc("--socket", socket, "cancel", "t-2").exitCode()).isEqualTo(ExitCodes.OK);

        Frame query = requestAfterHandshake();
        Frame cancel = requestAfterHandshake();
        assertThat(query.type()).isEqualTo(MessageType.TASK_QUERY);
        assertThat(Json.parseObject(query.payload())).isEqualTo(json("{\"task_id\":\"t-1\"}"));
        assertThat(cancel.type()).isEqualTo(MessageType.TASK_CANCEL);
        assertThat(Json.parseObject(cancel.payload())).isEqualTo(json("{\"task_id\":\"t-2\"}"));
    }

    // ---- protocol version ----

    @Test
    void theCliSpeaksV2WhenTheGatewayOffersIt() throws Exception {
        String socket = start(FakeGateway.echoOffering(1, 2));

        Result submit = ipc("--socket", socket, "--json", "submit", "--type", "t", "--payload", "{\"n\":1}");
        Result caps = ipc("--socket", socket, "caps");

        assertThat(submit.exitCode()).as(submit.err()).isEqualTo(ExitCodes.OK);
        assertThat(json(submit.out()).path("payload")).isEqualTo(json("{\"n\":1}"));
        Frame handshake = gateway.received().poll();
        Frame sent = gateway.received().poll();
        assertThat(handshake.type()).isEqualTo(MessageType.CAPABILITIES);
        assertThat(handshake.version()).isEqualTo(Frame.V1);
        assertThat(sent.type()).isEqualTo(MessageType.TASK_SUBMIT);
        assertThat(sent.version()).isEqualTo(Frame.V2);
        assertThat(sent.requestId()).isNotZero();
        assertThat(caps.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(caps.out()).contains("protocol versions: 1, 2 (this connection: v2)");
    }

    @Test
    void capsSaysWhichVersionTheConnectionSpeaks() throws Exception {
        String socket = start(FakeGateway.echo());

        assertThat(ipc("--socket", socket, "caps").out()).contains("protocol versions: 1 (this connection: v1)");
    }

    @Test
    void protocolOptionForcesAVersionWithoutAHandshake() throws Exception {
        String socket = start(FakeGateway.echoOffering(1, 2));

        Result v1 = ipc("--socket", socket, "--protocol", "1", "query", "t-1");
        Result v2 = ipc("query", "t-2", "--protocol", "2", "--socket", socket);

        assertThat(v1.exitCode()).as(v1.err()).isEqualTo(ExitCodes.OK);
        assertThat(v2.exitCode()).as(v2.err()).isEqualTo(ExitCodes.OK);
        assertThat(gateway.received()).extracting(Frame::type).containsExactly(MessageType.TASK_QUERY, MessageType.TASK_QUERY);
        assertThat(gateway.received()).extracting(Frame::version).containsExactly(Frame.V1, Frame.V2);
    }

    @Test
    void unknownProtocolVersionIsAUsageError() {
        Result r = ipc("--protocol", "3", "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--protocol must be 1, 2 or auto, was '3'");
    }

    @Test
    void helpListsTheExitCodes() {
        Result r = ipc("--help");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Exit codes:", "ping", "caps", "submit", "query", "cancel", "--protocol=1|2|auto");
        ExitCodes.descriptions().forEach((code, text) -> assertThat(r.out()).containsPattern("\\s" + code + "\\s+\\Q" + text));
        assertThat(ipc("submit", "--help").out()).contains("Exit codes:");
    }

    @Test
    void versionIsPrinted() {
        Result r = ipc("--version");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).startsWith("ipc ").contains("protocol v1");
    }

    // ---- gateway error: exit 1 ----

    @Test
    void gatewayErrorIsPrintedWithCodeReasonAndStatus() throws Exception {
        String socket = start((request, conn) -> conn.send(FakeGateway.error(ErrorCode.NOT_IMPLEMENTED, "queries are not served yet")));

        Result r = ipc("--socket", socket, "query", "t-1");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.GATEWAY_ERROR);
        assertThat(r.err()).isEqualTo("error 13 not_implemented (501): queries are not served yet" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void retryableErrorGetsARetryHintAndJsonModePrintsTheErrorAnswer() throws Exception {
        ErrorBody body = ErrorBody.of(ErrorCode.OVERLOADED, "busy").withRetryAfterMs(250);
        String socket = start((request, conn) -> conn.send(new ErrorResponse(false, "t-1", null, body).toFrame()));

        Result r = ipc("--socket", socket, "--json", "cancel", "t-1");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.GATEWAY_ERROR);
        assertThat(r.err()).contains("error 8 overloaded (503): busy", "task_id: t-1", "retryable: try again in 250 ms");
        assertThat(json(r.out()).path("error").path("code").asInt()).isEqualTo(8);
    }

    // ---- usage error: exit 2 ----

    @Test
    void malformedJsonPayloadIsAUsageErrorAndNothingIsSent() throws Exception {
        String socket = start(FakeGateway.echo());

        Result r = ipc("--socket", socket, "submit", "--type", "t", "--payload", "{\"line\":");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--payload", "payload is not valid JSON", "Try 'ipc submit --help'");
        assertThat(gateway.received()).isEmpty();
    }

    @Test
    void payloadThatIsNotAnObjectOrNotReadableIsAUsageError() {
        Result array = ipc("submit", "--type", "t", "--payload", "[1,2]");
        Result missing = ipc("submit", "--type", "t", "--payload", "@" + dir.resolve("missing.json"));
        Result emptyStdin = ipc("submit", "--type", "t", "--payload", "@-");

        assertThat(array.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(array.err()).contains("payload must be a JSON object");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("cannot read the payload from " + dir.resolve("missing.json"));
        assertThat(emptyStdin.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(emptyStdin.err()).contains("payload is empty");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(ipc().exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(ipc().err()).contains("Missing command");
        assertThat(ipc("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(ipc("submit", "--payload", "{}").exitCode()).isEqualTo(ExitCodes.USAGE); // no --type
        assertThat(ipc("query").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(ipc("--timeout", "soon", "ping").exitCode()).isEqualTo(ExitCodes.USAGE);
        Result zero = ipc("--timeout", "0", "ping");
        assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).contains("--timeout must be a positive number");
    }

    // ---- connection: exit 3 ----

    @Test
    void missingSocketIsAConnectionError() {
        Path missing = dir.resolve("missing.sock");

        Result r = ipc("--socket", missing.toString(), "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.err()).contains("cannot connect to " + missing, "is the gateway running?");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void connectionLostBeforeTheAnswerIsAConnectionError() throws Exception {
        String socket = start((request, conn) -> conn.close());

        Result r = ipc("--socket", socket, "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.err()).contains("the gateway closed the connection");
    }

    // ---- timeout: exit 4 ----

    @Test
    void noAnswerWithinTheTimeoutIsExitFour() throws Exception {
        String socket = start(FakeGateway.silent());

        Result r = ipc("--socket", socket, "--timeout", "200", "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(r.err()).contains("no answer from " + socket + " within 200 ms");
    }

    // ---- protocol violation: exit 5 ----

    @Test
    void unexpectedAnswerIsAProtocolError() throws Exception {
        String socket = start((request, conn) -> conn.send(Frame.of(MessageType.RESPONSE_OK)));

        Result r = ipc("--socket", socket, "ping");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.PROTOCOL);
        assertThat(r.err()).contains("unexpected answer from the gateway", "expected PONG");
    }
}
