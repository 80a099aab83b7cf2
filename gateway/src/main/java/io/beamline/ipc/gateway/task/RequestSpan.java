package io.beamline.ipc.gateway.task;

import io.beamline.ipc.protocol.Frame;

/**
 * What the parts on one IPC request's path tell its trace: the request's server span. With tracing off it is
 * {@link #NONE}, whose every call does nothing (and allocates nothing).
 */
public interface RequestSpan {

    RequestSpan NONE = new RequestSpan() {
    };

    /** This span's W3C traceparent (the submit's trace continues from it); null when tracing is off. */
    default String traceparent() {
        return null;
    }

    /** The submit was mapped: its task id and the tenant it runs for. */
    default void submitted(String taskId, String tenant) {
    }

    /** The Router request is about to go out on {@code subject}: a client span, child of this one. */
    default RouterCall routerCall(String subject, int bodyBytes) {
        return RouterCall.NONE;
    }

    /**
     * The request is answered with {@code answer}: the span ends, or, when {@code stream} is not null, ends with
     * the stream (its terminal frame).
     */
    default void answered(Frame answer, TaskStream stream) {
    }

    /** The client went away before its answer. */
    default void abandoned() {
    }

    /** The client span of one Router request. */
    interface RouterCall {

        RouterCall NONE = new RouterCall() {
        };

        /** The traceparent the Router gets: this client span's id, the request's trace. Null when off. */
        default String traceparent() {
            return null;
        }

        /** The Router's outcome (null: no outcome, the wait was cancelled). */
        default void ended(TaskOutcome outcome) {
        }
    }
}
