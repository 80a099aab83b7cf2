package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.StreamChunk;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Prints a stream as it arrives. stdout gets the output only: each chunk's bytes as they came (text as
 * UTF-8, base64 chunks decoded), or under {@code --json} one JSON object per line (the answer, each chunk's
 * STREAM_DATA payload, the terminal payload). stderr gets the answer's summary line first and, from
 * {@link GatewayCall}, the status line last. The answer is shown as soon as it comes (on a thread of its
 * own, never the client's reader) and at the latest before the first chunk; hence the lock.
 */
final class StreamPrinter implements Flow.Subscriber<StreamChunk> {

    private final OutputStream out;
    private final PrintWriter err;
    private final boolean json;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile Throwable error;
    private volatile Flow.Subscription subscription;
    private boolean answerShown;
    private int lastByte = '\n';
    private long printed;

    private final CompletableFuture<TaskResponse> answer;

    StreamPrinter(OutputStream out, PrintWriter err, boolean json, CompletableFuture<TaskResponse> answer) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.answer = answer;
        answer.thenAcceptAsync(this::show, task -> Thread.ofVirtual().start(task));
    }

    /** Completes after onComplete or onError. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** What onError gave, or null. */
    Throwable error() {
        return error;
    }

    /** True when text was printed and its last line has no newline (the status line then starts a new one). */
    synchronized boolean endsMidLine() {
        return !json && printed > 0 && lastByte != '\n';
    }

    /** The answer that started the stream: once, before anything else of the stream. */
    private synchronized void show(TaskResponse r) {
        if (answerShown) {
            return;
        }
        answerShown = true;
        if (json) {
            line(r.body());
        }
        StringJoiner summary = new StringJoiner(" ").add("OK");
        r.taskId().ifPresent(v -> summary.add("task_id=" + v));
        r.traceId().ifPresent(v -> summary.add("trace_id=" + v));
        r.decision().map(d -> d.path("provider_id")).filter(JsonNode::isTextual)
                .ifPresent(p -> summary.add("provider_id=" + p.asText()));
        if (r.body().has("from_seq")) {
            summary.add("from_seq=" + r.body().path("from_seq").asText());
        }
        err.println(summary + " (streaming)");
        err.flush();
    }

    /** The terminal payload, under {@code --json}. */
    synchronized void end(ObjectNode payload) {
        showAnswer();
        if (json) {
            line(payload);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE); // the client bounds what waits for a slow stdout
    }

    @Override
    public synchronized void onNext(StreamChunk chunk) {
        showAnswer(); // a chunk only comes after the answer
        try {
            if (json) {
                ObjectNode payload = Json.mapper().createObjectNode().put("task_id", chunk.taskId()).put("seq", chunk.seq());
                if (chunk.isText()) {
                    payload.put("data", chunk.text().orElseThrow());
                } else {
                    payload.put("data_base64", Base64.getEncoder().encodeToString(chunk.data()));
                }
                line(payload);
                return;
            }
            byte[] bytes = chunk.data();
            out.write(bytes);
            out.flush();
            if (bytes.length > 0) {
                printed += bytes.length;
                lastByte = bytes[bytes.length - 1];
            }
        } catch (IOException | UncheckedIOException e) {
            // stdout is gone (say, `| head -1`): stop the task rather than stream into nowhere
            subscription.cancel();
            onError(new UncheckedIOException("cannot write the output: " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause()));
        }
    }

    /** Shows the answer if it came and was not shown yet. */
    synchronized void showAnswer() {
        TaskResponse r = answer.isDone() && !answer.isCompletedExceptionally() ? answer.join() : null;
        if (r != null) {
            show(r);
        }
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        done.complete(null);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    private void line(JsonNode node) {
        try {
            out.write(Json.write(node));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
