package io.beamline.ipc.gateway.taskflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.beamline.ipc.gateway.routerclient.DecisionLookup;
import io.beamline.ipc.gateway.routerclient.TraceContext;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.beamline.ipc.gateway.task.TaskSnapshot;
import io.beamline.ipc.gateway.task.TaskStatus;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.TaskRef;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** TASK_QUERY: the registry's report of a task this gateway knows, else what the Router's get_decision says. */
final class QueryTask {

    private final TaskRegistry registry;
    private final DecisionLookup lookup;

    QueryTask(TaskRegistry registry, DecisionLookup lookup) {
        this.registry = registry;
        this.lookup = lookup;
    }

    CompletableFuture<TaskAnswer> query(TaskRef task) {
        var known = registry.get(task.taskId());
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(new TaskAnswer.Ok(report(known.get())));
        }
        TraceContext trace = TraceContext.newTrace();
        return lookup.lookup(task.taskId(), trace).thenApply(outcome -> fromRouter(task.taskId(), trace, outcome));
    }

    /** {@code {"ok":true,"task_id","trace_id","status","decision"?,"error"?}} */
    private static ObjectNode report(TaskSnapshot t) {
        ObjectNode ok = JsonNodeFactory.instance.objectNode();
        ok.put("ok", true).put("task_id", t.taskId()).put("trace_id", t.traceId()).put("status", t.status().wire());
        t.outcome().ifPresent(outcome -> {
            switch (outcome) {
                case TaskOutcome.Decided d -> ok.putRawValue("decision", decision(d));
                case TaskOutcome.Failed f -> ok.set("error", Json.mapper().valueToTree(f.error()));
            }
        });
        return ok;
    }

    /** The decision's bytes go into the report as they are. */
    private static RawValue decision(TaskOutcome.Decided d) {
        return new RawValue(new String(d.decision(), StandardCharsets.UTF_8));
    }

    /** A decision or a cancellation is the Router's state of the task, reported; anything else is the error. */
    private static TaskAnswer fromRouter(String taskId, TraceContext trace, TaskOutcome outcome) {
        ObjectNode ok = JsonNodeFactory.instance.objectNode();
        ok.put("ok", true).put("task_id", taskId);
        return switch (outcome) {
            case TaskOutcome.Decided d -> {
                ok.put("status", TaskStatus.SUCCEEDED.wire()).put("source", "router").putRawValue("decision", decision(d));
                yield new TaskAnswer.Ok(ok);
            }
            case TaskOutcome.Failed f when f.status() == TaskStatus.CANCELLED -> {
                ok.put("status", TaskStatus.CANCELLED.wire()).put("source", "router");
                yield new TaskAnswer.Ok(ok);
            }
            case TaskOutcome.Failed f -> TaskAnswer.error(taskId, trace.traceId(), f.error());
        };
    }
}
