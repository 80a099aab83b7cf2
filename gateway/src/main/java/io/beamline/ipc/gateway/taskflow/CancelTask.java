package io.beamline.ipc.gateway.taskflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import io.beamline.ipc.gateway.routerclient.ErrorTranslation;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.beamline.ipc.gateway.task.TaskSnapshot;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.TaskRef;
import java.util.concurrent.CompletableFuture;

/**
 * TASK_CANCEL: ends a pending task (its submit is answered {@code cancelled}) or the task's running stream
 * (its terminal frame says {@code cancelled} with the counts so far) and tells the Router; a task already
 * finished is reported as it is.
 */
final class CancelTask {

    private final TaskRegistry registry;
    private final CancelNotices notices;
    private final StreamRegistry streams;

    CancelTask(TaskRegistry registry, CancelNotices notices, StreamRegistry streams) {
        this.registry = registry;
        this.notices = notices;
        this.streams = streams;
    }

    CompletableFuture<TaskAnswer> cancel(TaskRef task) {
        String taskId = task.taskId();
        var after = registry.cancel(taskId,
                TaskOutcome.failed(ErrorTranslation.cancelled("the task was cancelled by TASK_CANCEL")));
        if (after.isEmpty()) {
            return CompletableFuture.completedFuture(TaskAnswer.error(taskId, null,
                    ErrorBody.of(ErrorCode.NOT_FOUND, "task " + taskId + " is not known to this gateway")));
        }
        TaskSnapshot t = after.get().task();
        boolean streamEnded = streams.find(taskId).map(e -> e.stream().cancel("the stream was cancelled by TASK_CANCEL"))
                .orElse(false);
        boolean cancelledNow = after.get().cancelledNow() || streamEnded;
        ObjectNode ok = JsonNodeFactory.instance.objectNode();
        ok.put("ok", true).put("task_id", taskId).put("trace_id", t.traceId()).put("cancelled", cancelledNow)
                .put("status", t.status().wire());
        if (streamEnded) {
            ok.put("stream", "cancelled");
        }
        if (cancelledNow) {
            ok.put("router_notified", notices.send(taskId, t.traceId(), CancelNotices.CLIENT_CANCEL));
        }
        return CompletableFuture.completedFuture(new TaskAnswer.Ok(ok));
    }
}
