package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.SubmitPayload;
import io.beamline.ipc.protocol.TaskRef;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Submit, query and cancel of tasks, as the socket server asks for them. Every call completes with its
 * answer, failures included: the futures never fail. Cancelling a returned future means the client no
 * longer waits (it went away).
 */
public interface TaskService {

    CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller);

    /** A submit whose request is traced by {@code span} (the Router request's client span is its child). */
    default CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller, RequestSpan span) {
        return submit(payload, caller);
    }

    CompletableFuture<TaskAnswer> query(TaskRef task);

    CompletableFuture<TaskAnswer> cancel(TaskRef task);

    /** STREAM_SUBSCRIBE {@code {"task_id","from_seq"?}}: a stream of a task the same uid submitted. */
    CompletableFuture<TaskAnswer> subscribe(ObjectNode payload, Caller caller);

    /** The largest DecideRequest NATS takes (its server's max_payload), for CAPABILITIES; empty while unknown. */
    default OptionalLong natsMaxPayload() {
        return OptionalLong.empty();
    }
}
