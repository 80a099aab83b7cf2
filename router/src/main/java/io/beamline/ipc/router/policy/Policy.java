package io.beamline.ipc.router.policy;

import java.util.List;
import java.util.Optional;

/** A routing policy of the Router's JSON DSL, parsed and checked. */
public record Policy(PolicyKey key, List<Provider> providers, List<Fallback> fallbacks, Sticky sticky,
                     RateLimit rateLimit) {

    public Policy {
        providers = List.copyOf(providers);
        fallbacks = List.copyOf(fallbacks);
    }

    /** The provider entry of that name, for its expected latency and cost; empty for a fallback-only name. */
    public Optional<Provider> provider(String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
