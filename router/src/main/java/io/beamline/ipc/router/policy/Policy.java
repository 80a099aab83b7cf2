package io.beamline.ipc.router.policy;

import io.beamline.ipc.router.fault.FaultPlan;
import io.beamline.ipc.router.stream.StreamOverride;
import java.util.List;
import java.util.Optional;

/**
 * A routing policy of the Router's JSON DSL, parsed and checked.
 *
 * @param faults faults injected into this policy's requests when the Router runs with --enable-faults
 * @param stream this policy's changes to the Router's stream settings
 */
public record Policy(PolicyKey key, List<Provider> providers, List<Fallback> fallbacks, Sticky sticky,
                     RateLimit rateLimit, FaultPlan faults, StreamOverride stream) {

    public Policy {
        providers = List.copyOf(providers);
        fallbacks = List.copyOf(fallbacks);
        faults = faults == null ? FaultPlan.NONE : faults;
        stream = stream == null ? StreamOverride.NONE : stream;
    }

    /** A policy without faults or stream settings. */
    public Policy(PolicyKey key, List<Provider> providers, List<Fallback> fallbacks, Sticky sticky,
                  RateLimit rateLimit) {
        this(key, providers, fallbacks, sticky, rateLimit, FaultPlan.NONE, StreamOverride.NONE);
    }

    /** The provider entry of that name, for its expected latency and cost; empty for a fallback-only name. */
    public Optional<Provider> provider(String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
