package io.beamline.ipc.router.decide;

import io.beamline.ipc.router.policy.Provider;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Weighted random choice over the providers' weights, normalized by their sum; weight 0 never wins. */
public final class WeightedSelector {

    private final RandomGenerator random;

    public WeightedSelector(RandomGenerator random) {
        this.random = random;
    }

    /** Empty when no provider has a positive weight. */
    public Optional<Provider> select(List<Provider> providers) {
        double total = 0;
        for (Provider p : providers) {
            total += p.weight();
        }
        if (total <= 0) {
            return Optional.empty();
        }
        double point = random.nextDouble() * total;
        Provider last = null;
        for (Provider p : providers) {
            if (p.weight() <= 0) {
                continue;
            }
            last = p;
            point -= p.weight();
            if (point < 0) {
                return Optional.of(p);
            }
        }
        return Optional.of(last); // rounding at the upper edge
    }
}
