package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcClientOptions;
import io.beamline.ipc.client.IpcConnectionException;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.IpcProtocolException;
import io.beamline.ipc.protocol.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

    /** @param protocolVersion as {@link IpcClientOptions#protocolVersion()} */
    GatewayCall(Path socket, Duration timeout, int protocolVersion, boolean json, PrintWriter out, PrintWriter err) {
        this.socket = socket;
        this.timeout = timeout;
        this.protocolVersion = protocolVersion;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    Path socket() {
        return socket;
    }

    <T> int run(Function<IpcClient, CompletableFuture<T>> request, Output<T> output) {
        IpcClientOptions options = IpcClientOptions.defaults().withConnectTimeout(timeout).withRequestTimeout(timeout)
                .withProtocolVersion(protocolVersion);
        try (IpcClient client = IpcClient.connect(socket, options)) {
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
