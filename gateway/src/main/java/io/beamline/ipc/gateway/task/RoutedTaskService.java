package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.resilience.OutcomeAwareGate;
import io.beamline.ipc.gateway.resilience.SubmitGate;
import io.beamline.ipc.gateway.resilience.SubmitOutcome;
import io.beamline.ipc.gateway.routerclient.DecideCall;
import io.beamline.ipc.gateway.routerclient.DecideRequestMapper;
import io.beamline.ipc.gateway.routerclient.ErrorTranslation;
import io.beamline.ipc.gateway.routerclient.RouterCallFailure;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.gateway.routerclient.RouterReply;
import io.beamline.ipc.gateway.routerclient.TraceContext;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.beamline.ipc.protocol.TaskRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks served by the Router: submit asks the Router's decide service, query answers from the registry
 * (else asks the Router's get_decision), cancel ends an in-flight submit and tells the Router.
 */
public final class RoutedTaskService implements TaskService {

    private static final Logger LOG = LoggerFactory.getLogger(RoutedTaskService.class);

    /** Error codes a get_decision reply may use for "no such request". */
    static final Set<String> ROUTER_NOT_FOUND_CODES = Set.of("not_found", "decision_not_found", "request_not_found");

    /** Failures of the transport rather than of an answer: the breaker may forgive them after a reconnect. */
    static final Set<String> TRANSPORT_REASONS = Set.of(ErrorTranslation.NO_RESPONDERS,
            ErrorTranslation.NATS_DISCONNECTED, ErrorTranslation.NATS_UNAVAILABLE);

    /** What get_decision answers for a request that was cancelled before the Router replied. */
    static final String ROUTER_CANCELLED_CODE = "cancelled";

    private final RouterClient router;
    private final TaskRegistry registry;
    private final RouterConfig config;
    private final DecideRequestMapper mapper;
    private final List<SubmitGate> gates;

    public RoutedTaskService(RouterClient router, TaskRegistry registry, RouterConfig config) {
        this(router, registry, config, List.of());
    }

    /**
     * @param gates asked in order before a submit goes to the Router; the first refusal answers it. A gate
     *              that is an {@link OutcomeAwareGate} hears exactly once how each submit it admitted ended.
     */
    public RoutedTaskService(RouterClient router, TaskRegistry registry, RouterConfig config, List<SubmitGate> gates) {
        this.router = router;
        this.registry = registry;
        this.config = config;
        this.mapper = new DecideRequestMapper(config.defaultTenant(), config.defaultPolicy());
        this.gates = List.copyOf(gates);
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public CompletableFuture<JsonNode> submit(ObjectNode payload, Caller caller) {
        DecideCall call;
        try {
            call = mapper.map(payload, config.tenantFor(caller.uid()));
        } catch (ProtocolException e) {
            return failed(ErrorResponse.of(e.code(), e.getMessage()));
        }
        List<OutcomeAwareGate> holders = List.of();
        for (SubmitGate gate : gates) {
            var refused = gate.admit(call.tenantId(), caller);
            if (refused.isPresent()) {
                ended(holders, SubmitOutcome.NOT_SENT);
                return failed(new ErrorResponse(false, call.taskId(), call.traceId(), refused.get()));
            }
            if (gate instanceof OutcomeAwareGate holder) {
                holders = holders.isEmpty() ? new ArrayList<>(2) : holders;
                holders.add(holder);
            }
        }
        List<OutcomeAwareGate> admittedBy = holders;
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        ErrorBody cancelled = ErrorTranslation.cancelled("the task was cancelled by TASK_CANCEL");
        var refusal = registry.register(call.taskId(), call.traceId(),
                () -> answer.completeExceptionally(failure(call, cancelled)));
        if (refusal.isPresent()) {
            ended(admittedBy, SubmitOutcome.NOT_SENT);
            return failed(switch (refusal.get()) {
                case DUPLICATE_ID -> new ErrorResponse(false, call.taskId(), call.traceId(), ErrorBody.of(
                        ErrorCode.INVALID_PAYLOAD, "duplicate_task_id", "task_id " + call.taskId() + " is in use"));
                case FULL -> new ErrorResponse(false, call.taskId(), call.traceId(), ErrorBody.of(
                        ErrorCode.OVERLOADED, "task_registry_full", "too many tasks in flight; retry later"));
            });
        }
        long sentAt = System.nanoTime();
        CompletableFuture<byte[]> reply = router.request(config.subject(), call.headers(), Json.write(call.request()),
                deadline(call));
        reply.whenComplete((body, error) -> settle(call, answer, body, error, admittedBy, sentAt));
        // The client went away (or the task was cancelled): stop waiting for the Router, free everything.
        answer.whenComplete((ok, error) -> {
            if (error instanceof CancellationException && registry.finish(call.taskId(), TaskStatus.CANCELLED,
                    null, ErrorTranslation.cancelled("the client went away"))) {
                notifyRouter(call.taskId(), call.traceId(), "client_gone"); // it may drop work held for it
            }
            reply.cancel(false);
        });
        return answer;
    }

    /**
     * Records the outcome, tells the gates that hold something for this submit what it says about the Router,
     * then answers. The gates hear first: a client that sends its next request the moment it has this answer
     * must find the breaker and the in-flight count already up to date.
     */
    private void settle(DecideCall call, CompletableFuture<JsonNode> answer, byte[] body, Throwable error,
                        List<OutcomeAwareGate> admittedBy, long sentAt) {
        long nanos = System.nanoTime() - sentAt;
        if (error instanceof CancellationException) {
            ended(admittedBy, new SubmitOutcome(SubmitOutcome.Kind.IGNORED, nanos)); // cancelled by us: settled
            return;
        }
        TaskStatus status;
        ErrorBody failure = null;
        JsonNode decision = null;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            failure = describe(cause);
            status = cause instanceof RouterCallFailure f && f.kind() == RouterCallFailure.Kind.TIMEOUT
                    ? TaskStatus.TIMED_OUT : TaskStatus.FAILED;
        } else {
            switch (RouterReply.parse(body)) {
                case RouterReply.Decision d -> decision = d.decision();
                case RouterReply.Rejected r -> failure = ErrorTranslation.fromRouter(r.error(), r.message());
                case RouterReply.Malformed m -> failure = ErrorTranslation.badReply(m.why());
            }
            status = decision != null ? TaskStatus.SUCCEEDED
                    : failure.code() == ErrorCode.TIMEOUT.code() ? TaskStatus.TIMED_OUT : TaskStatus.FAILED;
        }
        if (!registry.finish(call.taskId(), status, decision, failure)) {
            ended(admittedBy, new SubmitOutcome(SubmitOutcome.Kind.IGNORED, nanos)); // cancelled first; it stands
            return;
        }
        ended(admittedBy, new SubmitOutcome(outcomeFor(failure), nanos));
        if (decision != null) {
            ObjectNode ok = JsonNodeFactory.instance.objectNode();
            ok.put("ok", true).put("task_id", call.taskId()).put("trace_id", call.traceId()).set("decision", decision);
            answer.complete(ok);
        } else {
            answer.completeExceptionally(failure(call, failure));
        }
    }

    /**
     * For the breaker: an answer of the Router below 500 (a decision, a 4xx) shows it working; 500 and more,
     * timeouts and transport failures count against it; the gateway's own stop and cancellations say nothing.
     */
    static SubmitOutcome.Kind outcomeFor(ErrorBody failure) {
        if (failure == null || failure.status() < 500) {
            return failure != null && failure.code() == ErrorCode.CANCELLED.code()
                    ? SubmitOutcome.Kind.IGNORED : SubmitOutcome.Kind.ROUTER_ANSWERED;
        }
        if (ErrorTranslation.SHUTTING_DOWN.equals(failure.reason())) {
            return SubmitOutcome.Kind.IGNORED;
        }
        return TRANSPORT_REASONS.contains(failure.reason())
                ? SubmitOutcome.Kind.TRANSPORT_FAILED : SubmitOutcome.Kind.ROUTER_FAILED;
    }

    private static void ended(List<OutcomeAwareGate> holders, SubmitOutcome outcome) {
        for (OutcomeAwareGate h : holders) {
            try {
                h.ended(outcome);
            } catch (RuntimeException e) {
                LOG.error("gate {} failed to record an outcome", h, e);
            }
        }
    }

    @Override
    public CompletableFuture<JsonNode> query(TaskRef task) {
        var known = registry.get(task.taskId());
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(describe(known.get()));
        }
        return askRouter(task.taskId());
    }

    /** A task this gateway does not know (another gateway's, or forgotten): the Router may still know it. */
    private CompletableFuture<JsonNode> askRouter(String taskId) {
        TraceContext trace = TraceContext.newTrace();
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("request_id", taskId);
        Map<String, String> headers = Map.of("trace_id", trace.traceId(), "traceparent", trace.traceparent(),
                "version", "1", "request_id", taskId);
        return router.request(config.getDecisionSubject(), headers, Json.write(request), config.timeout())
                .handle((body, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw failure(taskId, trace.traceId(), describe(cause));
                    }
                    return switch (RouterReply.parse(body)) {
                        case RouterReply.Decision d -> {
                            ObjectNode ok = JsonNodeFactory.instance.objectNode();
                            ok.put("ok", true).put("task_id", taskId).put("status", TaskStatus.SUCCEEDED.wire())
                                    .put("source", "router").set("decision", d.decision());
                            yield ok;
                        }
                        case RouterReply.Rejected r when ROUTER_CANCELLED_CODE.equals(r.error().code()) -> {
                            // The Router answered the request with "cancelled": that is its state, not a failure.
                            ObjectNode ok = JsonNodeFactory.instance.objectNode();
                            ok.put("ok", true).put("task_id", taskId).put("status", TaskStatus.CANCELLED.wire())
                                    .put("source", "router");
                            yield ok;
                        }
                        case RouterReply.Rejected r when ROUTER_NOT_FOUND_CODES.contains(r.error().code()) ->
                                throw failure(taskId, trace.traceId(), ErrorBody.of(ErrorCode.NOT_FOUND,
                                        "task " + taskId + " is not known to this gateway or to the Router")
                                        .withRouter(r.error()));
                        case RouterReply.Rejected r ->
                                throw failure(taskId, trace.traceId(), ErrorTranslation.fromRouter(r.error(), r.message()));
                        case RouterReply.Malformed m ->
                                throw failure(taskId, trace.traceId(), ErrorTranslation.badReply(m.why()));
                    };
                });
    }

    @Override
    public CompletableFuture<JsonNode> cancel(TaskRef task) {
        String taskId = task.taskId();
        var after = registry.cancel(taskId, ErrorTranslation.cancelled("the task was cancelled by TASK_CANCEL"));
        if (after.isEmpty()) {
            return failed(new ErrorResponse(false, taskId, null,
                    ErrorBody.of(ErrorCode.NOT_FOUND, "task " + taskId + " is not known to this gateway")));
        }
        TaskSnapshot t = after.get().task();
        boolean cancelledNow = after.get().cancelledNow();
        ObjectNode ok = JsonNodeFactory.instance.objectNode();
        ok.put("ok", true).put("task_id", taskId).put("trace_id", t.traceId()).put("cancelled", cancelledNow)
                .put("status", t.status().wire());
        if (cancelledNow) {
            ok.put("router_notified", notifyRouter(t.taskId(), t.traceId(), "client_cancel"));
        }
        return CompletableFuture.completedFuture(ok);
    }

    /** Best effort: the Router may drop work for the task. Core NATS gives no receipt. */
    private boolean notifyRouter(String taskId, String traceId, String reason) {
        ObjectNode notice = JsonNodeFactory.instance.objectNode().put("request_id", taskId)
                .put("trace_id", traceId).put("reason", reason);
        try {
            router.publish(config.cancelSubject(), Map.of("trace_id", traceId, "version", "1",
                    "request_id", taskId), Json.write(notice));
            return true;
        } catch (RouterCallFailure e) {
            LOG.debug("cancel notice for {} not sent: {}", taskId, e.getMessage());
            return false;
        }
    }

    private static ObjectNode describe(TaskSnapshot t) {
        ObjectNode ok = JsonNodeFactory.instance.objectNode();
        ok.put("ok", true).put("task_id", t.taskId()).put("trace_id", t.traceId()).put("status", t.status().wire());
        if (t.decision() != null) {
            ok.set("decision", t.decision());
        }
        if (t.error() != null) {
            ok.set("error", Json.mapper().valueToTree(t.error()));
        }
        return ok;
    }

    private static ErrorBody describe(Throwable cause) {
        if (cause instanceof RouterCallFailure f) {
            return ErrorTranslation.fromFailure(f);
        }
        if (cause instanceof ProtocolException p) {
            return ErrorBody.of(p.code(), p.getMessage());
        }
        LOG.error("Router call failed unexpectedly", cause);
        return ErrorBody.of(ErrorCode.INTERNAL, "internal gateway error: " + cause.getClass().getSimpleName());
    }

    private Duration deadline(DecideCall call) {
        Duration asked = call.requestedDeadline().orElse(config.timeout());
        return asked.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : asked;
    }

    private static TaskFailure failure(DecideCall call, ErrorBody error) {
        return failure(call.taskId(), call.traceId(), error);
    }

    private static TaskFailure failure(String taskId, String traceId, ErrorBody error) {
        return new TaskFailure(new ErrorResponse(false, taskId, traceId, error));
    }

    private static CompletableFuture<JsonNode> failed(ErrorResponse response) {
        return CompletableFuture.failedFuture(new TaskFailure(response));
    }
}
