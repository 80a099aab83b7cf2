package io.beamline.ipc.gateway.taskflow;

import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.resilience.Admission;
import io.beamline.ipc.gateway.resilience.SubmitGates;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import io.beamline.ipc.gateway.routerclient.DecideCall;
import io.beamline.ipc.gateway.routerclient.DecideClient;
import io.beamline.ipc.gateway.routerclient.DecideRequestMapper;
import io.beamline.ipc.gateway.routerclient.ErrorTranslation;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.beamline.ipc.gateway.task.TaskSnapshot;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.SubmitPayload;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * TASK_SUBMIT, read top to bottom: map the submit to a DecideRequest → admit it through the gates → register
 * the task → ask the Router → settle (record the outcome, tell the gates) → the answer. Each step is the
 * package's that owns it; an early end is a {@link TaskOutcome} like the Router's, never an exception.
 */
final class SubmitTask {

    private final DecideRequestMapper mapper;
    private final RouterConfig config;
    private final SubmitGates gates;
    private final TaskRegistry registry;
    private final DecideClient decide;
    private final CancelNotices notices;
    private final StreamRegistry streams;

    SubmitTask(Supplier<RouterConfig> liveConfig, SubmitGates gates, TaskRegistry registry, DecideClient decide,
               CancelNotices notices, StreamRegistry streams) {
        this.mapper = new DecideRequestMapper(liveConfig, Clock.systemUTC()); // deadlines: per submit
        this.config = liveConfig.get();
        this.gates = gates;
        this.registry = registry;
        this.decide = decide;
        this.notices = notices;
        this.streams = streams;
    }

    CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller, RequestSpan span) {
        long started = System.nanoTime();
        DecideCall call;
        try {
            call = mapper.map(payload, config.tenantFor(caller.uid()), span.traceparent());
        } catch (ProtocolException e) { // bad input, named by the mapper
            return done(TaskAnswer.error(null, null, e.toErrorBody()));
        }
        span.submitted(call.taskId(), call.tenantId());
        Optional<ErrorBody> tooLarge = decide.tooLargeForNats(call);
        if (tooLarge.isPresent()) { // before the gates: a request that cannot be sent takes no slot and no id
            return refused(call, caller, tooLarge.get(), started);
        }
        Admission admission = gates.admit(call.tenantId(), caller);
        if (admission.refusal().isPresent()) {
            return refused(call, caller, admission.refusal().get(), started);
        }
        // Whoever completes `ended` first decides: the Router's outcome, TASK_CANCEL, or the client leaving.
        CompletableFuture<TaskOutcome> ended = new CompletableFuture<>();
        Optional<ErrorBody> notRegistered = register(call, caller, ended);
        if (notRegistered.isPresent()) {
            admission.notSent();
            return refused(call, caller, notRegistered.get(), started);
        }
        RoutedStream stream = call.stream() ? streams.find(call.taskId()).orElseThrow().stream() : null;
        CompletableFuture<TaskOutcome> reply = ask(call, stream, span);
        reply.thenAccept(ended::complete);
        ended.thenRun(() -> reply.cancel(false)); // ended by a cancel: stop waiting for the Router
        CompletableFuture<TaskAnswer> answer = ended.thenApply(outcome -> settle(call, admission, outcome, stream));
        answer.whenComplete((a, e) -> {
            if (e instanceof CancellationException) {
                clientGone(call, admission, ended, stream);
                TaskLog.ended(call, caller, ErrorTranslation.cancelled("the client went away"), started);
            } else if (a != null) {
                TaskLog.ended(call, caller, a instanceof TaskAnswer.Error err ? err.response().error() : null, started);
            }
        });
        return answer;
    }

    /**
     * The task is pending from here (a duplicate id or a full registry refuses it); a streaming one also
     * gets its stream, unless streams.max_running run already.
     */
    private Optional<ErrorBody> register(DecideCall call, Caller caller, CompletableFuture<TaskOutcome> ended) {
        var refusal = registry.register(call.taskId(), call.traceId(),
                () -> ended.complete(cancelled("the task was cancelled by TASK_CANCEL")));
        if (refusal.isPresent()) {
            return Optional.of(switch (refusal.get()) {
                case DUPLICATE_ID -> ErrorBody.of(ErrorCode.INVALID_PAYLOAD, "duplicate_task_id",
                        "task_id " + call.taskId() + " is in use");
                case FULL -> ErrorBody.of(ErrorCode.OVERLOADED, "task_registry_full",
                        "too many tasks in flight; retry later");
            });
        }
        if (call.stream() && streams.open(call.taskId(), call.traceId(), caller.uid()).isEmpty()) {
            ErrorBody limit = ErrorBody.of(ErrorCode.OVERLOADED, "stream_limit",
                    "too many streams are running in this gateway; retry later");
            registry.finish(call.taskId(), TaskOutcome.failed(limit)); // retryable: the id is free again
            return Optional.of(limit);
        }
        return Optional.empty();
    }

    /**
     * A streaming submit subscribes to its stream before decide goes out, on the same connection. Traced, the
     * request goes out under the Router call's client span.
     */
    private CompletableFuture<TaskOutcome> ask(DecideCall call, RoutedStream stream, RequestSpan span) {
        RequestSpan.RouterCall traced = span.routerCall(config.subject(), call.body().length);
        if (traced == RequestSpan.RouterCall.NONE) {
            return ask(call, stream);
        }
        CompletableFuture<TaskOutcome> reply = ask(call.sentUnder(traced.traceparent()), stream);
        reply.whenComplete((outcome, e) -> traced.ended(outcome));
        return reply;
    }

    private CompletableFuture<TaskOutcome> ask(DecideCall call, RoutedStream stream) {
        if (stream == null) {
            return decide.ask(call);
        }
        var request = decide.askStreaming(call, stream::onEvent);
        stream.subscribed(request.subscription());
        return request.reply();
    }

    /**
     * Records the outcome, tells the gates what it says about the Router, then answers. The gates hear first:
     * a client that sends its next request the moment it has this answer finds the breaker and the in-flight
     * count up to date. A task cancelled first stays cancelled, whatever the Router said after.
     */
    private TaskAnswer settle(DecideCall call, Admission admission, TaskOutcome outcome, RoutedStream stream) {
        TaskOutcome recorded = registry.finish(call.taskId(), outcome) ? outcome
                : registry.get(call.taskId()).flatMap(TaskSnapshot::outcome).orElse(outcome);
        admission.ended(recorded);
        TaskAnswer answer = TaskAnswer.of(call.taskId(), call.traceId(), recorded);
        if (stream == null) {
            return answer;
        }
        if (answer instanceof TaskAnswer.Ok ok) {
            stream.started();
            return new TaskAnswer.Streaming(ok.payload(), stream, 1, true);
        }
        stream.abandonBeforeStart(); // no decision, no stream
        return answer;
    }

    /**
     * The client went away (its answer was cancelled, so {@link #settle} will not run): stop waiting for the
     * Router, free everything, and tell the Router, which may drop work held for it.
     */
    private void clientGone(DecideCall call, Admission admission, CompletableFuture<TaskOutcome> ended,
                            RoutedStream stream) {
        TaskOutcome gone = cancelled("the client went away");
        if (registry.finish(call.taskId(), gone)) {
            notices.send(call.taskId(), call.traceId(), CancelNotices.CLIENT_GONE);
        }
        ended.complete(gone);
        admission.ended(gone);
        if (stream != null) {
            stream.abandonBeforeStart();
        }
    }

    private static CompletableFuture<TaskAnswer> refused(DecideCall call, Caller caller, ErrorBody why, long started) {
        TaskLog.ended(call, caller, why, started);
        return done(TaskAnswer.error(call.taskId(), call.traceId(), why));
    }

    private static TaskOutcome cancelled(String message) {
        return TaskOutcome.failed(ErrorTranslation.cancelled(message));
    }

    private static CompletableFuture<TaskAnswer> done(TaskAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
