package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Json;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The Router's get_decision service, for a task this gateway does not know (another gateway's, or
 * forgotten). The outcome is the decision the Router made, CANCELLED when the Router reports the request
 * cancelled, NOT_FOUND when it does not know it either, or the Router's error.
 */
public final class DecisionLookup {

    /** Error codes a get_decision reply may use for "no such request". */
    static final Set<String> NOT_FOUND_CODES = Set.of("not_found", "decision_not_found", "request_not_found");

    /** What get_decision answers for a request that was cancelled before the Router replied. */
    static final String CANCELLED_CODE = "cancelled";

    private final RouterClient router;
    private final Supplier<RouterConfig> config;

    public DecisionLookup(RouterClient router, RouterConfig config) {
        this(router, () -> config);
    }

    /** The timeout is read per lookup: a reload may change it. */
    public DecisionLookup(RouterClient router, Supplier<RouterConfig> config) {
        this.router = router;
        this.config = config;
    }

    public CompletableFuture<TaskOutcome> lookup(String taskId, TraceContext trace) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("request_id", taskId);
        Map<String, String> headers = Map.of("trace_id", trace.traceId(), "traceparent", trace.traceparent(),
                "version", "1", "request_id", taskId);
        RouterConfig now = config.get();
        return router.request(RouterCall.GET_DECISION, now.getDecisionSubject(), headers, Json.write(request),
                now.timeout(),
                response -> read(taskId, response));
    }

    private static TaskOutcome read(String taskId, RouterResponse response) {
        if (!(response instanceof RouterResponse.Reply reply)) {
            return RouterReply.toOutcome(response);
        }
        return switch (RouterReply.parse(reply.body())) {
            // The Router answered the request with "cancelled": that is its state, not a failure of the lookup.
            case RouterReply.Rejected r when CANCELLED_CODE.equals(r.error().code()) ->
                    TaskOutcome.failed(ErrorTranslation.cancelled("the Router reports the request cancelled")
                            .withRouter(r.error()));
            case RouterReply.Rejected r when NOT_FOUND_CODES.contains(r.error().code()) ->
                    TaskOutcome.failed(ErrorBody.of(ErrorCode.NOT_FOUND,
                            "task " + taskId + " is not known to this gateway or to the Router").withRouter(r.error()));
            default -> RouterReply.toOutcome(reply);
        };
    }
}
