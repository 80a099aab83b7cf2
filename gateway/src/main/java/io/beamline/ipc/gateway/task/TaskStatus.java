package io.beamline.ipc.gateway.task;

import java.util.Locale;

/** Where a task is; every status but PENDING is final. */
public enum TaskStatus {
    PENDING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    /** As clients see it: {@code pending}, {@code timed_out}, … */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
