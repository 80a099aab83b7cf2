package io.beamline.ipc.router.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {

    @Test
    void entriesExpireAndTheOldestGoesWhenFull() {
        AtomicLong now = new AtomicLong(0);
        ExpiringCache<String, String> cache = new ExpiringCache<>(2, now::get);
        cache.put("a", "1", 100);
        cache.put("b", "2", 100);
        cache.put("c", "3", 100);
        assertThat(cache.get("a")).isNull();
        assertThat(cache.size()).isEqualTo(2);
        now.set(99);
        assertThat(cache.get("b")).isEqualTo("2");
        now.set(100);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.putIfAbsent("c", "other", 100)).as("expired c is replaced").isEqualTo("other");
    }

    @Test
    void putIfAbsentKeepsTheFirstLiveValue() {
        AtomicLong now = new AtomicLong(0);
        ExpiringCache<String, String> cache = new ExpiringCache<>(10, now::get);
        assertThat(cache.putIfAbsent("k", "first", 1_000)).isEqualTo("first");
        assertThat(cache.putIfAbsent("k", "second", 1_000)).isEqualTo("first");
    }
}
