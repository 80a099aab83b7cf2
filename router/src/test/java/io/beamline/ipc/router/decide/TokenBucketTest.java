package io.beamline.ipc.router.decide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void startsFullThenRefusesWithTheWaitUntilTheNextTokenThenRefills() {
        TokenBucket bucket = new TokenBucket(10, 3, 1_000); // one token per 100 ms
        assertThat(bucket.tryAcquire(1_000)).isZero();
        assertThat(bucket.tryAcquire(1_000)).isZero();
        assertThat(bucket.tryAcquire(1_000)).isZero();
        assertThat(bucket.tryAcquire(1_000)).isEqualTo(100);
        assertThat(bucket.tryAcquire(1_060)).isEqualTo(40);
        assertThat(bucket.tryAcquire(1_100)).isZero();
        // A long idle period refills only up to the burst.
        assertThat(bucket.tryAcquire(100_000)).isZero();
        assertThat(bucket.tryAcquire(100_000)).isZero();
        assertThat(bucket.tryAcquire(100_000)).isZero();
        assertThat(bucket.tryAcquire(100_000)).isPositive();
    }
}
