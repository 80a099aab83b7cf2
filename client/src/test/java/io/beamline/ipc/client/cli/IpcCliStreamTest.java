package io.beamline.ipc.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.FakeGateway;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ipc submit --stream} and {@code ipc subscribe} in-process against the fake gateway. */
class IpcCliStreamTest {

    @TempDir
    Path dir;

    private FakeGateway gateway;
    private final TestInterrupts interrupts = new TestInterrupts();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final StringWriter stderr = new StringWriter();
    private final StringWriter printed = new StringWriter();

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Ctrl-C without a signal: the test fires it. */
    private static final class TestInterrupts implements Interrupts {
        final AtomicReference<Runnable> action = new AtomicReference<>();

        @Override
        public Registration onInterrupt(Runnable a) {
            action.set(a);
            return () -> action.set(null);
        }

        void fire() {
            Thread.ofPlatform().start(action.get());
        }
    }

    private record Result(int exitCode, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private CompletableFuture<Result> ipcAsync(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            CommandLine cli = IpcCli.commandLine(new ByteArrayInputStream(new byte[0]), Map.of(), stdout, interrupts);
            cli.setOut(new PrintWriter(printed, true));
            cli.setErr(new PrintWriter(stderr, true));
            int code = cli.execute(args);
            return new Result(code, stdout.toByteArray(), stderr.toString());
        }, task -> Thread.ofPlatform().start(task));
    }

    private Result ipc(String... args) throws Exception {
        return ipcAsync(args).get(20, TimeUnit.SECONDS);
    }

    private String start(FakeGateway.Script script) throws Exception {
        FakeGateway.Script echo = FakeGateway.echoOffering(1, 2);
        gateway = FakeGateway.start(dir.resolve("gw.sock"), (request, conn) -> {
            if (request.type() == MessageType.CAPABILITIES) {
                echo.onRequest(request, conn);
            } else {
                script.onRequest(request, conn);
            }
        });
        return gateway.socketPath().toString();
    }

    /** The requests after the handshake, in order. */
    private List<Frame> requests() {
        List<Frame> all = new ArrayList<>(gateway.received());
        assertThat(all.getFirst().type()).isEqualTo(MessageType.CAPABILITIES);
        return all.subList(1, all.size());
    }

    private static Frame frame(Frame request, MessageType type, String json) {
        return new Frame(request.version(), type.code(), request.requestId(), json.getBytes(StandardCharsets.UTF_8));
    }

    private static Frame answer(Frame request) {
        return frame(request, MessageType.RESPONSE_OK,
                "{\"ok\":true,\"task_id\":\"t-1\",\"trace_id\":\"tr-1\",\"decision\":{\"provider_id\":\"openai\"}}");
    }

    private static Frame data(Frame request, long seq, String text) {
        return frame(request, MessageType.STREAM_DATA, "{\"task_id\":\"t-1\",\"seq\":" + seq + ",\"data\":\"" + text + "\"}");
    }

    private static Frame complete(Frame request, long chunks, long bytes) {
        return frame(request, MessageType.STREAM_COMPLETE, "{\"ok\":true,\"task_id\":\"t-1\",\"trace_id\":\"tr-1\","
                + "\"status\":\"complete\",\"chunks\":" + chunks + ",\"bytes\":" + bytes + "}");
    }

    private static Frame ended(Frame request, String status, long chunks, long bytes, int code, String reason, int http) {
        return frame(request, MessageType.STREAM_ERROR, "{\"ok\":false,\"task_id\":\"t-1\",\"trace_id\":\"tr-1\","
                + "\"status\":\"" + status + "\",\"chunks\":" + chunks + ",\"bytes\":" + bytes + ",\"error\":{\"code\":"
                + code + ",\"status\":" + http + ",\"reason\":\"" + reason + "\",\"message\":\"ended here\",\"retryable\":false}}");
    }

    /** A streamed submit answered with "Hello, " + the bytes C3 28 (not UTF-8) + "world\n", then complete. */
    private static FakeGateway.Script streamsHello() {
        String binary = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x28});
        return (request, conn) -> conn.send(answer(request), data(request, 1, "Hello, "),
                frame(request, MessageType.STREAM_DATA, "{\"task_id\":\"t-1\",\"seq\":2,\"data_base64\":\"" + binary + "\"}"),
                data(request, 3, "world\\n"), complete(request, 3, 14));
    }

    @Test
    void submitStreamPrintsTheOutputAloneOnStdoutAndTheStatusLastOnStderr() throws Exception {
        String socket = start(streamsHello());

        Result r = ipc("--socket", socket, "submit", "--type", "text.generate", "--payload", "{\"prompt\":\"hi\"}", "--stream");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("Hello, ".getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(new byte[] {(byte) 0xC3, 0x28});
        expected.writeBytes("world\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.out()).isEqualTo(expected.toByteArray());
        assertThat(r.errLines()).containsExactly("OK task_id=t-1 trace_id=tr-1 provider_id=openai (streaming)",
                "stream status=complete chunks=3 bytes=14 task_id=t-1 trace_id=tr-1");
        ObjectNode sent = Json.parseObject(requests().getFirst().payload());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("task_type").asText()).isEqualTo("text.generate");
        assertThat(printed.toString()).isEmpty();
    }

    @Test
    void anOutputWithoutAFinalNewlineStillLeavesTheStatusOnALineOfItsOwn() throws Exception {
        String socket = start((request, conn) -> conn.send(answer(request), data(request, 1, "no newline"), complete(request, 1, 10)));

        Result r = ipc("--socket", socket, "submit", "--type", "t", "--payload", "{}", "--stream");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.outText()).isEqualTo("no newline");
        assertThat(r.errLines()).containsExactly("OK task_id=t-1 trace_id=tr-1 provider_id=openai (streaming)", "",
                "stream status=complete chunks=1 bytes=10 task_id=t-1 trace_id=tr-1");
    }

    @Test
    void aStreamErrorIsExitOneWithTheErrorAndTheStatusLineLast() throws Exception {
        String socket = start((request, conn) -> conn.send(answer(request), data(request, 1, "one\\n"),
                ended(request, "gap", 1, 4, 15, "stream_gap", 502)));

        Result r = ipc("--socket", socket, "submit", "--type", "t", "--payload", "{}", "--stream");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.GATEWAY_ERROR);
        assertThat(r.outText()).isEqualTo("one\n");
        assertThat(r.errLines()).containsExactly("OK task_id=t-1 trace_id=tr-1 provider_id=openai (streaming)",
                "error 15 stream_gap (502): ended here",
                "stream status=gap chunks=1 bytes=4 task_id=t-1 trace_id=tr-1");
    }

    @Test
    void anErrorAnswerIsExitOneLikeAnySubmit() throws Exception {
        String socket = start((request, conn) -> conn.send(FakeGateway.error(ErrorCode.OVERLOADED, "too many streams")
                .answering(request)));

        Result r = ipc("--socket", socket, "submit", "--type", "t", "--payload", "{}", "--stream");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.GATEWAY_ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("error 8 overloaded (503): too many streams");
    }

    @Test
    void jsonPrintsOneObjectPerLineTheAnswerEachChunkAndTheEnd() throws Exception {
        String socket = start(streamsHello());

        Result r = ipc("--socket", socket, "--json", "submit", "--type", "t", "--payload", "{}", "--stream");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        List<ObjectNode> lines = r.outText().lines().map(l -> Json.parseObject(l.getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).path("decision").path("provider_id").asText()).isEqualTo("openai");
        assertThat(lines.get(1)).isEqualTo(Json.parseObject("{\"task_id\":\"t-1\",\"seq\":1,\"data\":\"Hello, \"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(lines.get(2).path("data_base64").asText()).isEqualTo("wyg=");
        assertThat(lines.get(4).path("status").asText()).isEqualTo("complete");
        assertThat(r.errLines().getLast()).isEqualTo("stream status=complete chunks=3 bytes=14 task_id=t-1 trace_id=tr-1");
    }

    @Test
    void ctrlCCancelsTheSubmitsStreamReportsItsEndAndExits130() throws Exception {
        AtomicReference<Frame> submit = new AtomicReference<>();
        String socket = start((request, conn) -> {
            if (request.type() == MessageType.TASK_SUBMIT) {
                submit.set(request);
                conn.send(answer(request), data(request, 1, "partial\\n"));
            } else if (request.type() == MessageType.TASK_CANCEL) {
                conn.send(ended(submit.get(), "cancelled", 1, 8, 10, "cancelled", 499),
                        frame(request, MessageType.RESPONSE_OK, "{\"ok\":true,\"cancelled\":true}"));
            }
        });
        CompletableFuture<Result> run = ipcAsync("--socket", socket, "submit", "--type", "t", "--payload", "{}", "--stream");
        await().until(() -> stdout.toString(StandardCharsets.UTF_8).equals("partial\n") && interrupts.action.get() != null);

        interrupts.fire();

        Result r = run.get(20, TimeUnit.SECONDS);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERRUPTED);
        Frame cancel = requests().get(1);
        assertThat(cancel.type()).isEqualTo(MessageType.TASK_CANCEL);
        assertThat(Json.parseObject(cancel.payload()).path("request_id").asLong())
                .isEqualTo(Integer.toUnsignedLong(submit.get().requestId()));
        assertThat(r.errLines().getLast()).isEqualTo("stream status=cancelled chunks=1 bytes=8 task_id=t-1 trace_id=tr-1");
        assertThat(interrupts.action.get()).as("the handler is put back").isNull();
    }

    @Test
    void subscribeAsksFromASeqAndCtrlCLeavesTheTaskRunning() throws Exception {
        String socket = start((request, conn) -> conn.send(
                frame(request, MessageType.RESPONSE_OK, "{\"ok\":true,\"task_id\":\"t-1\",\"from_seq\":2}"),
                data(request, 2, "second\\n")));
        CompletableFuture<Result> run = ipcAsync("--socket", socket, "subscribe", "t-1", "--from-seq", "2");
        await().until(() -> stdout.toString(StandardCharsets.UTF_8).equals("second\n") && interrupts.action.get() != null);

        interrupts.fire();

        Result r = run.get(20, TimeUnit.SECONDS);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(r.errLines().getFirst()).isEqualTo("OK task_id=t-1 from_seq=2 (streaming)");
        assertThat(r.errLines().getLast()).contains("left the stream of task t-1", "the task goes on");
        assertThat(requests()).hasSize(1);
        assertThat(requests().getFirst().type()).isEqualTo(MessageType.STREAM_SUBSCRIBE);
        assertThat(Json.parseObject(requests().getFirst().payload()))
                .isEqualTo(Json.parseObject("{\"task_id\":\"t-1\",\"from_seq\":2}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void subscribeRunsToTheEndLikeASubmit() throws Exception {
        String socket = start((request, conn) -> conn.send(
                frame(request, MessageType.RESPONSE_OK, "{\"ok\":true,\"task_id\":\"t-1\",\"from_seq\":1}"),
                data(request, 1, "all\\n"), complete(request, 1, 4)));

        Result r = ipc("--socket", socket, "subscribe", "t-1");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.outText()).isEqualTo("all\n");
        assertThat(Json.parseObject(requests().getFirst().payload()))
                .isEqualTo(Json.parseObject("{\"task_id\":\"t-1\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFromSeqBelowOneIsAUsageError() throws Exception {
        String socket = start((request, conn) -> { });

        Result r = ipc("--socket", socket, "subscribe", "t-1", "--from-seq", "0");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--from-seq must be at least 1");
    }

    @Test
    void helpSaysHowStreamsArePrintedAndEnd() throws Exception {
        assertThat(ipc("submit", "--help").exitCode()).isZero();
        assertThat(helpText()).contains("--stream", "the output alone on stdout",
                "last a status line 'stream status=S chunks=N bytes=N task_id=T trace_id=X'",
                "Ctrl-C cancels the task (TASK_CANCEL), reports how the stream ended and exits 130");
        ipc("--help");
        assertThat(helpText()).contains("subscribe", "130 Ctrl-C while streaming");
        ipc("subscribe", "--help");
        assertThat(helpText()).contains("--from-seq=N", "Ctrl-C leaves the stream and exits 130; the task goes on");
    }

    /** What picocli printed since the last call, its line wrapping undone. */
    private String helpText() {
        String text = printed.toString().replaceAll("\\s+", " ");
        printed.getBuffer().setLength(0);
        return text;
    }
}
