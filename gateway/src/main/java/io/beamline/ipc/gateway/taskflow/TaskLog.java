package io.beamline.ipc.gateway.taskflow;

import io.beamline.ipc.gateway.routerclient.DecideCall;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DEBUG line per submit that ended, its facts as key-value pairs: with {@code log.format=json} each is a field
 * of its own (task_id, trace_id, tenant, uid, pid, type, status, latency_ms), in text they follow the message.
 * Debug, not info: a busy gateway answers thousands a second. Off, it costs one level check.
 */
final class TaskLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.beamline.ipc.gateway.task");

    private TaskLog() {
    }

    /** {@code error} null: answered with a decision; else the error the client got (its reason is the status). */
    static void ended(DecideCall call, Caller caller, ErrorBody error, long startedNanos) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        String status = error == null ? "ok" : error.reason();
        LOG.atDebug().setMessage("task {} ended: {}").addArgument(call.taskId()).addArgument(status)
                .addKeyValue("task_id", call.taskId())
                .addKeyValue("trace_id", call.traceId())
                .addKeyValue("tenant", call.tenantId())
                .addKeyValue("uid", caller.uid())
                .addKeyValue("pid", caller.pid())
                .addKeyValue("type", call.taskType())
                .addKeyValue("status", status)
                .addKeyValue("latency_ms", (System.nanoTime() - startedNanos) / 1_000_000L)
                .log();
    }
}
