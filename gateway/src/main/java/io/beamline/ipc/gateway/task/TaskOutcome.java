package io.beamline.ipc.gateway.task;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import java.util.Objects;

/**
 * How a task ended: the Router's decision, or the error the client is told. The one result type of the task
 * path: made from the Router's reply (or a gate's refusal, a cancel, a transport failure), recorded in the
 * registry, judged by the breaker, and turned into the answer frame. Failures are values, never exceptions.
 */
public sealed interface TaskOutcome {

    /**
     * The Router's decision: its JSON object, byte for byte as the Router sent it. Kept as bytes, not a tree:
     * it is copied into the answer and held by the registry for TASK_QUERY, never looked into.
     */
    record Decided(byte[] decision) implements TaskOutcome {
        public Decided {
            Objects.requireNonNull(decision, "decision");
        }
    }

    record Failed(ErrorBody error) implements TaskOutcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    static TaskOutcome decided(byte[] decision) {
        return new Decided(decision);
    }

    static TaskOutcome failed(ErrorBody error) {
        return new Failed(error);
    }

    /** The final status this outcome gives a task. */
    default TaskStatus status() {
        return switch (this) {
            case Decided d -> TaskStatus.SUCCEEDED;
            case Failed f when f.error().code() == ErrorCode.TIMEOUT.code() -> TaskStatus.TIMED_OUT;
            case Failed f when f.error().code() == ErrorCode.CANCELLED.code() -> TaskStatus.CANCELLED;
            case Failed f -> TaskStatus.FAILED;
        };
    }
}
