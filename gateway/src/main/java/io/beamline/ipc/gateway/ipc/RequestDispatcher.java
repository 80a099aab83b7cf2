package io.beamline.ipc.gateway.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.RequestTracer;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskIds;
import io.beamline.ipc.gateway.task.TaskService;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.SubmitPayload;
import io.beamline.ipc.protocol.TaskRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request frame → one answer frame. Every outcome, failures included, is an answer: the returned
 * future never fails, so the connection's ordering never stalls on an error.
 */
final class RequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final int TYPES = MessageType.values().length;

    private final TaskService tasks;
    private final GatewayCapabilities capabilities;
    private final MeterRegistry meters;
    private final RequestTracer tracer;
    /** [type, or TYPES for an unknown one][outcome] */
    private final Counter[][] answers = new Counter[TYPES + 1][ErrorCode.values().length];
    private final RequestTimers timers;

    RequestDispatcher(TaskService tasks, GatewayCapabilities capabilities, MeterRegistry meters,
                      RequestTracer tracer) {
        this.tasks = tasks;
        this.capabilities = capabilities;
        this.meters = meters;
        this.tracer = tracer;
        this.timers = new RequestTimers(meters);
    }

    /** The answer, under the request's server span when tracing is on (with it off: no span, no cost). */
    CompletableFuture<Reply> dispatch(Frame request, RequestContext connection) {
        long started = System.nanoTime();
        RequestSpan span = tracer.start(request, connection.caller());
        CompletableFuture<Reply> reply = answer(request, connection, span, started);
        if (span != RequestSpan.NONE) {
            reply.whenComplete((r, e) -> {
                if (r == null) {
                    span.abandoned();
                } else {
                    span.answered(r.frame(), r.stream() == null ? null : r.stream().stream());
                }
            });
        }
        return reply;
    }

    private CompletableFuture<Reply> answer(Frame request, RequestContext connection, RequestSpan span,
                                           long started) {
        CompletableFuture<TaskAnswer> work;
        try {
            MessageType type = request.type();
            if (type == null) {
                throw new ProtocolException(ErrorCode.INVALID_TYPE,
                        String.format("unknown message type 0x%02X", request.typeCode()));
            }
            if (!type.sentByClient()) {
                throw new ProtocolException(ErrorCode.INVALID_TYPE,
                        type.name() + " (" + type.hex() + ") is sent by the gateway, not by clients");
            }
            switch (type) {
                case PING:
                    return answered(request, started, ErrorCode.OK, Frame.of(MessageType.PONG));
                case CAPABILITIES:
                    return answered(request, started, ErrorCode.OK, capabilities.answer(tasks.natsMaxPayload()));
                case TASK_SUBMIT:
                    work = tasks.submit(submit(request, connection), connection.caller(), span);
                    break;
                case TASK_QUERY:
                    work = tasks.query(TaskRef.from(Json.parseObject(request.payload())));
                    break;
                case TASK_CANCEL:
                    work = tasks.cancel(cancelled(request, connection));
                    break;
                case STREAM_SUBSCRIBE:
                    work = tasks.subscribe(Json.parseObject(request.payload()), connection.caller());
                    break;
                default:
                    throw new ProtocolException(ErrorCode.NOT_IMPLEMENTED, type.name() + " is not served yet");
            }
        } catch (ProtocolException e) { // the frame's own bad input, answered as such
            return answered(request, started, e.code(), ErrorResponse.of(e.toErrorBody()).toFrame());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Reply.of(internal(request, started, e)));
        }
        // handle() alone would not pass the caller's cancel on to the task's own future: see below.
        CompletableFuture<Reply> answer = work.handle((a, bug) -> bug == null ? toReply(request, started, a)
                : Reply.of(internal(request, started, bug)));
        answer.whenComplete((f, e) -> {
            if (e instanceof CancellationException) {
                work.cancel(false);
            }
        });
        return answer;
    }

    /**
     * A v2 submit gets its task id here when the client gave none (else the Router path would name it), so
     * that the connection knows which task a request id is: TASK_CANCEL may name the request.
     */
    private static SubmitPayload submit(Frame request, RequestContext connection) {
        SubmitPayload payload = SubmitPayload.read(request.payload());
        if (request.version() == Frame.V2) {
            SubmitPayload.Field given = payload.get("task_id");
            if (given == null || given.isNull()) {
                payload = payload.with("task_id", TaskIds.newId());
            }
            String taskId = payload.get("task_id").text();
            if (taskId != null) { // else the mapper names the bad field
                connection.submitting(request.requestId(), taskId);
            }
        }
        return payload;
    }

    /** TASK_CANCEL names a task, or on v2 a request of this connection: {@code {"request_id": N}}. */
    private static TaskRef cancelled(Frame request, RequestContext connection) {
        ObjectNode payload = Json.parseObject(request.payload());
        JsonNode byRequest = payload.get("request_id");
        if (byRequest == null || byRequest.isNull() || payload.hasNonNull("task_id")) {
            return TaskRef.from(payload);
        }
        if (request.version() != Frame.V2) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "request_id names a request of a v2 connection; "
                    + "a v1 TASK_CANCEL names its task_id");
        }
        if (!byRequest.isIntegralNumber() || byRequest.asLong() < 1 || byRequest.asLong() > 0xFFFFFFFFL) {
            throw new ProtocolException(ErrorCode.INVALID_PAYLOAD, "request_id must be an integer in 1..4294967295");
        }
        int id = (int) byRequest.asLong();
        return new TaskRef(connection.taskOfRequest(id).orElseThrow(() -> new ProtocolException(
                ErrorCode.NOT_FOUND, "no submit with request_id " + byRequest.asLong() + " is in flight on this connection")));
    }

    private Reply toReply(Frame request, long started, TaskAnswer answer) {
        count(request, started, switch (answer) {
            case TaskAnswer.Ok ok -> ErrorCode.OK;
            case TaskAnswer.Streaming s -> ErrorCode.OK;
            case TaskAnswer.Error e -> e.response().error().errorCode();
        });
        return new Reply(answer.toFrame(), answer instanceof TaskAnswer.Streaming s ? s : null);
    }

    private CompletableFuture<Reply> answered(Frame request, long started, ErrorCode outcome, Frame answer) {
        count(request, started, outcome);
        return CompletableFuture.completedFuture(Reply.of(answer));
    }

    /**
     * Answers by request type and outcome: {@code ipc_answers_total{type="TASK_SUBMIT",outcome="timeout"}}. Each
     * counter is looked up in the registry once (a lookup per answer costs more than the count); two threads
     * racing to look one up get the same counter. The request's time goes to {@link RequestTimers}.
     */
    private void count(Frame request, long started, ErrorCode outcome) {
        timers.record(request, outcome, started);
        MessageType t = request.type();
        Counter[] row = answers[t == null ? TYPES : t.ordinal()];
        Counter c = row[outcome.ordinal()];
        if (c == null) {
            c = meters.counter("ipc.answers", "type", t == null ? "unknown" : t.name(), "outcome", outcome.reason());
            row[outcome.ordinal()] = c;
        }
        c.increment();
    }

    /** A bug: the client still gets an answer, and the log says where. */
    private Frame internal(Frame request, long started, Throwable e) {
        LOG.error("request failed unexpectedly", e);
        count(request, started, ErrorCode.INTERNAL);
        return ErrorResponse.of(ErrorCode.INTERNAL, "internal gateway error: " + e.getClass().getSimpleName())
                .toFrame();
    }
}
