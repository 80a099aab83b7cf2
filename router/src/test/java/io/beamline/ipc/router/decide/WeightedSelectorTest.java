package io.beamline.ipc.router.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.beamline.ipc.router.policy.Provider;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedSelectorTest {

    private static Provider p(String name, double weight) {
        return new Provider(name, weight, 0, 0.0);
    }

    @Test
    void tenThousandDecisionsFollowSeventyThirtyWithinThreePercent() {
        WeightedSelector selector = new WeightedSelector(new SplittableRandom(42));
        List<Provider> providers = List.of(p("openai", 70), p("anthropic", 30));
        int openai = 0;
        for (int i = 0; i < 10_000; i++) {
            if (selector.select(providers).orElseThrow().name().equals("openai")) {
                openai++;
            }
        }
        assertThat(openai / 10_000.0).isCloseTo(0.70, within(0.03));
    }

    @Test
    void weightsAreNormalizedWhateverTheirSum() {
        WeightedSelector selector = new WeightedSelector(new SplittableRandom(7));
        List<Provider> providers = List.of(p("a", 0.1), p("b", 0.3));
        long b = java.util.stream.IntStream.range(0, 10_000)
                .filter(i -> selector.select(providers).orElseThrow().name().equals("b")).count();
        assertThat(b / 10_000.0).isCloseTo(0.75, within(0.03));
    }

    @Test
    void aZeroWeightNeverWinsAndNoPositiveWeightSelectsNothing() {
        WeightedSelector selector = new WeightedSelector(new SplittableRandom(1));
        List<Provider> providers = List.of(p("never", 0), p("always", 5));
        for (int i = 0; i < 1_000; i++) {
            assertThat(selector.select(providers).orElseThrow().name()).isEqualTo("always");
        }
        assertThat(selector.select(List.of(p("x", 0)))).isEmpty();
        assertThat(selector.select(List.of())).isEmpty();
    }
}
