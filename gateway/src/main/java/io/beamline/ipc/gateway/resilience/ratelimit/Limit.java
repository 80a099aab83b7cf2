package io.beamline.ipc.gateway.resilience.ratelimit;

/** Which limit refused a submit: the {@code limit} of the refusal's details and the metric's tag. */
public enum Limit {
    /** The peer uid's bucket on this gateway. */
    UID("uid", "rate limit per uid exceeded"),
    /** The tenant's bucket on this gateway. */
    TENANT("tenant", "rate limit per tenant exceeded"),
    /** The tenant's bucket shared through Redis by every gateway of the fleet. */
    FLEET_TENANT("fleet_tenant", "fleet-wide rate limit per tenant exceeded");

    private final String wire;
    private final String message;

    Limit(String wire, String message) {
        this.wire = wire;
        this.message = message;
    }

    public String wire() {
        return wire;
    }

    String message() {
        return message;
    }
}
