package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.IpcConnectionException;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.IpcProtocolException;
import io.beamline.ipc.client.IpcStreamException;
import io.beamline.ipc.client.StreamBufferOverflowException;
import io.beamline.ipc.client.StreamEnd;
import io.beamline.ipc.client.TaskStream;
import io.beamline.ipc.protocol.Json;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs one request against the gateway and turns its outcome into output and an {@link ExitCodes exit
 * code}. Every subcommand goes through here, so all of them report failures the same way.
 */
final class GatewayCall {

    /** How a command shows its result. */
    interface Output<T> {
        void human(T result, PrintWriter out);

        /** The answer as JSON, printed on one line under {@code --json}. */
        JsonNode json(T result);
    }

    private final Path socket;
    private final Duration timeout;
    private final int protocolVersion;
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;
    private final OutputStream rawOut;
    private final Interrupts interrupts;

    /**
     * @param protocolVersion as {@link IpcClientOptions#protocolVersion()}
     * @param rawOut          stdout as bytes, for a stream's output
     * @param interrupts      where Ctrl-C is heard while a stream runs
     */
    GatewayCall(Path socket, Duration timeout, int protocolVersion, boolean json, PrintWriter out, PrintWriter err,
                OutputStream rawOut, Interrupts interrupts) {
        this.socket = socket;
        this.timeout = timeout;
        this.protocolVersion = protocolVersion;
        this.json = json;
        this.out = out;
        this.err = err;
        this.rawOut = rawOut;
        this.interrupts = interrupts;
    }

    Path socket() {
        return socket;
    }

    /** {@code --timeout}: bounds the connection and each answer. */
    Duration timeout() {
        return timeout;
    }

    <T> int run(Function<IpcClient, CompletableFuture<T>> request, Output<T> output) {
        try (IpcClient client = IpcClient.connect(socket, options())) {
            T result = request.apply(client).get(); // bounded: the request itself times out
            if (json) {
                printJson(output.json(result));
            } else {
                output.human(result, out);
            }
            return ExitCodes.OK;
        } catch (IpcConnectionException e) {
            if (e.getCause() instanceof TimeoutException) { // connected, but the CAPABILITIES handshake got no answer
                return failed(e.getCause());
            }
            err.println(e.getMessage() + " (is the gateway running?)");
            return ExitCodes.CONNECTION;
        } catch (ExecutionException e) {
            return failed(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted while waiting for the gateway");
            return ExitCodes.TIMEOUT;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Runs a stream to its end: its output on stdout as it comes ({@link StreamPrinter}), its answer's
     * summary first and a status line last on stderr, so that a script can keep the output apart from the
     * status. {@code --timeout} bounds the answer; the stream after it has no deadline of the client's (the
     * gateway ends a silent one with status timeout).
     *
     * <p>At Ctrl-C a submit's stream is cancelled (TASK_CANCEL): the gateway's end of it (status cancelled),
     * waited for up to {@code --timeout}, is reported and the exit code is 130. A subscribe's is not: the
     * task goes on (a subscriber going away does not cancel it) and the exit code is 130 at once.
     *
     * @param cancelOnInterrupt true for a submit's stream, false for a subscribe's
     */
    int runStream(Function<IpcClient, TaskStream> start, boolean cancelOnInterrupt) {
        CompletableFuture<Void> interrupted = new CompletableFuture<>();
        try (IpcClient client = IpcClient.connect(socket, options());
             Interrupts.Registration ignored = interrupts.onInterrupt(() -> interrupted.complete(null))) {
            TaskStream stream = start.apply(client);
            StreamPrinter printer = new StreamPrinter(rawOut, err, json, stream.answer());
            stream.subscribe(printer);
            if (cancelOnInterrupt) {
                interrupted.thenRun(stream::cancel);
            }
            CompletableFuture.anyOf(printer.done(), interrupted).get();
            if (!interrupted.isDone()) {
                return reported(stream, printer);
            }
            if (!cancelOnInterrupt) {
                printer.showAnswer();
                err.println("interrupted: left the stream of task " + stream.taskId().orElse("(unknown)")
                        + "; the task goes on ('ipc cancel' stops it)");
                return ExitCodes.INTERRUPTED;
            }
            try {
                printer.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                reported(stream, printer);
            } catch (TimeoutException e) {
                err.println("interrupted: TASK_CANCEL sent; the gateway did not end the stream within "
                        + timeout.toMillis() + " ms");
            }
            return ExitCodes.INTERRUPTED;
        } catch (IpcConnectionException e) {
            if (e.getCause() instanceof TimeoutException) {
                return failed(e.getCause());
            }
            err.println(e.getMessage() + " (is the gateway running?)");
            return ExitCodes.CONNECTION;
        } catch (ExecutionException e) {
            return failed(e.getCause()); // not reached: neither future fails
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted while waiting for the gateway");
            return ExitCodes.INTERRUPTED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The stream's end: the status line last on stderr, and the exit code. */
    private int reported(TaskStream stream, StreamPrinter printer) {
        Throwable error = printer.error();
        printer.showAnswer(); // its line first, whichever thread got here first
        if (printer.endsMidLine()) {
            err.println(); // the status line starts a line of its own on a terminal showing both
        }
        if (error == null) {
            StreamEnd end = stream.end().join(); // completed before onComplete
            printer.end(end.payload());
            err.println(statusLine(end));
            return ExitCodes.OK;
        }
        return switch (error) {
            case IpcStreamException e -> {
                printer.end(e.end().payload());
                err.println(describe(e));
                err.println(statusLine(e.end()));
                yield ExitCodes.GATEWAY_ERROR;
            }
            case StreamBufferOverflowException e -> {
                err.println(e.getMessage());
                yield ExitCodes.GATEWAY_ERROR;
            }
            case UncheckedIOException e -> { // stdout closed
                err.println(e.getMessage() + "; the stream was cancelled");
                yield ExitCodes.PROTOCOL;
            }
            default -> failed(error);
        };
    }

    /** {@code error 15 stream_gap (502): …}, as a RESPONSE_ERROR is shown. */
    private static String describe(IpcStreamException e) {
        String status = e.error().status() > 0 ? " (" + e.error().status() + ")" : "";
        String reason = e.reason() == null ? "unknown" : e.reason();
        return "error " + e.code() + " " + reason + status + ": " + e.error().message();
    }

    /** The last line: {@code stream status=complete chunks=3 bytes=8 task_id=… trace_id=…}. */
    static String statusLine(StreamEnd end) {
        StringJoiner line = new StringJoiner(" ").add("stream").add("status=" + end.statusName())
                .add("chunks=" + end.chunks()).add("bytes=" + end.bytes());
        end.taskId().ifPresent(v -> line.add("task_id=" + v));
        end.traceId().ifPresent(v -> line.add("trace_id=" + v));
        return line.toString();
    }

    private IpcClientOptions options() {
        return IpcClientOptions.defaults().withConnectTimeout(timeout).withRequestTimeout(timeout)
                .withProtocolVersion(protocolVersion);
    }

    private int failed(Throwable cause) {
        return switch (cause) {
            case IpcErrorException e -> {
                if (json) {
                    printJson(e.payload());
                }
                err.println(e.getMessage());
                if (e.taskId().isPresent() || e.traceId().isPresent()) {
                    err.println("task_id: " + e.taskId().orElse("-") + ", trace_id: " + e.traceId().orElse("-"));
                }
                if (e.retryable()) {
                    err.println(e.retryAfterMs().isPresent()
                            ? "retryable: try again in " + e.retryAfterMs().getAsLong() + " ms"
                            : "retryable: try again later");
                }
                yield ExitCodes.GATEWAY_ERROR;
            }
            case IpcConnectionException e -> {
                err.println(e.getMessage());
                yield ExitCodes.CONNECTION;
            }
            case CommandFailure e -> {
                err.println(e.getMessage());
                yield e.exitCode();
            }
            case TimeoutException e -> {
                err.println("no answer from " + socket + " within " + timeout.toMillis() + " ms");
                yield ExitCodes.TIMEOUT;
            }
            case IllegalArgumentException e -> { // the request does not fit in a frame
                err.println("request not sent: " + e.getMessage());
                yield ExitCodes.USAGE;
            }
            case IpcProtocolException e -> {
                err.println("unexpected answer from the gateway: " + e.getMessage());
                yield ExitCodes.PROTOCOL;
            }
            default -> {
                err.println("internal error: " + cause);
                yield ExitCodes.PROTOCOL;
            }
        };
    }

    private void printJson(JsonNode node) {
        out.println(new String(Json.write(node), StandardCharsets.UTF_8));
    }
}
