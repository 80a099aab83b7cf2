package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * The Router's services and how the gateway calls them: subjects, the default deadline of one request and
 * the cap on a client's own deadline, and the tenant and policy of a submit that names none.
 */
public record RouterConfig(String subject, Duration timeout, Duration maxTimeout, String defaultTenant,
                           String defaultPolicy, String getDecisionSubject, String cancelSubject) {

    /** The shipped defaults with another decide timeout, for tests. */
    public static RouterConfig defaults(Duration timeout) {
        return new RouterConfig("beamline.router.v1.decide", timeout, Duration.ofSeconds(30), "default_tenant",
                "default", "beamline.router.v1.get_decision", "beamline.router.v1.cancel");
    }
}
