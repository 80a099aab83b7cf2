package io.beamline.ipc.gateway.config;

import java.time.Duration;
import java.util.Map;

/**
 * The Router's services and how the gateway calls them: subjects, the default deadline of one request and
 * the cap on a client's own deadline, and the tenant and policy of a submit that names none.
 */
public record RouterConfig(String subject, Duration timeout, Duration maxTimeout, String defaultTenant,
                           Map<Integer, String> tenantByUid, String defaultPolicy, String getDecisionSubject,
                           String cancelSubject) {

    /** The shipped defaults with another decide timeout, for tests. */
    public static RouterConfig defaults(Duration timeout) {
        return new RouterConfig("beamline.router.v1.decide", timeout, Duration.ofSeconds(30), "default_tenant",
                Map.of(), "default", "beamline.router.v1.get_decision", "beamline.router.v1.cancel");
    }

    /** The tenant of a submit that names none: the caller's uid's, else the default. */
    public String tenantFor(int uid) {
        return tenantByUid.getOrDefault(uid, defaultTenant);
    }
}
