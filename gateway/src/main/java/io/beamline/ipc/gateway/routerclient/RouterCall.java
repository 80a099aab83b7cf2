package io.beamline.ipc.gateway.routerclient;

import java.util.Locale;

/** What a request to the Router is for: the {@code call} label of {@code router_requests_seconds}. */
public enum RouterCall {
    /** A submit's decide request. */
    DECIDE,
    /** TASK_QUERY of a task this gateway does not hold (get_decision). */
    GET_DECISION,
    /** The periodic poll of the Router's backpressure status. */
    BACKPRESSURE;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
