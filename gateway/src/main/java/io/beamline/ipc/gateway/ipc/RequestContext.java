package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.task.Caller;
import java.util.Optional;

/** What the dispatcher may know of the connection a request came on. */
interface RequestContext {

    Caller caller();

    /** The task a v2 submit of this connection is for, while its request id is in flight. */
    Optional<String> taskOfRequest(int requestId);

    /** A v2 submit is about to start under this task id (so TASK_CANCEL by request_id can find it). */
    void submitting(int requestId, String taskId);
}
