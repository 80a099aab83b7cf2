package io.beamline.ipc.gateway.resilience.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.gateway.config.ConfigException;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.gateway.config.RateLimitConfig;
import io.beamline.ipc.gateway.config.RateLimitConfig.OnRedisFailure;
import io.beamline.ipc.gateway.config.RateLimitConfig.Rate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitConfigTest {

    @TempDir
    Path dir;

    private static RateLimitConfig load(Map<String, String> flags) {
        return ConfigLoader.load(null, Map.of(), flags).rateLimit();
    }

    @Test
    void offByDefault() {
        RateLimitConfig c = load(Map.of());
        assertThat(c.enabled()).isFalse();
        assertThat(c.fleetEnabled()).isFalse();
        assertThat(c.maxKeys()).isEqualTo(10_000);
        assertThat(c.redisTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.onRedisFailure()).isEqualTo(OnRedisFailure.FAIL_OPEN);
        assertThat(c.redisKeyPrefix()).isEqualTo("beamline:ratelimit:");
    }

    @Test
    void ratesBurstsAndOverridesFromAFileAndTheEnvironment() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                ratelimit:
                  tenant:
                    rate_per_s: 20
                  uid:
                    rate_per_s: 5
                    burst: 50
                  tenant_overrides: [acme=100/50, beta=7, vip=0]
                """);
        RateLimitConfig c = ConfigLoader.load(file, Map.of("BEAMLINE_RATELIMIT_REDIS_ON_FAILURE", "fail_closed",
                "BEAMLINE_RATELIMIT_REDIS_URL", "redis://localhost:6390/2",
                "BEAMLINE_RATELIMIT_FLEET_TENANT_RATE_PER_S", "3"), Map.of()).rateLimit();

        assertThat(c.tenant()).as("burst 0 = one second's worth").isEqualTo(new Rate(20, 20));
        assertThat(c.uid()).isEqualTo(new Rate(5, 50));
        assertThat(c.tenantRate("acme")).isEqualTo(new Rate(100, 50));
        assertThat(c.tenantRate("beta")).isEqualTo(new Rate(7, 7));
        assertThat(c.tenantRate("vip").limited()).isFalse();
        assertThat(c.tenantRate("other")).isEqualTo(new Rate(20, 20));
        assertThat(c.onRedisFailure()).isEqualTo(OnRedisFailure.FAIL_CLOSED);
        assertThat(c.redisUrl()).contains(URI.create("redis://localhost:6390/2"));
        assertThat(c.fleetTenant()).isEqualTo(new Rate(3, 3));
        assertThat(c.fleetEnabled()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://10.0.0.5:6379", "redis://redis.example.com", "redis://0.0.0.0:6379",
            "redis://[fe80::1]:6379"})
    void aRedisOffThisMachineIsRefusedWithTheReason(String url) {
        assertThatThrownBy(() -> load(Map.of("ratelimit.redis.url", url)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid ratelimit.redis.url")
                .hasMessageContaining("is not loopback")
                .hasMessageContaining("must be on this machine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:6379", "redis://localhost", "redis://[::1]:6379",
            "redis://:secret@127.0.0.1:6379/1"})
    void loopbackRedisIsAccepted(String url) {
        assertThat(load(Map.of("ratelimit.redis.url", url)).redisUrl()).contains(URI.create(url));
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> load(Map.of("ratelimit.tenant_overrides", "acme=fast")))
                .hasMessageContaining("invalid ratelimit.tenant_overrides").hasMessageContaining("tenant=rate/burst");
        assertThatThrownBy(() -> load(Map.of("ratelimit.tenant_overrides", "acme=1,acme=2")))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> load(Map.of("ratelimit.redis.url", "http://127.0.0.1:6379")))
                .hasMessageContaining("not a redis:// URL");
        assertThatThrownBy(() -> load(Map.of("ratelimit.redis.on_failure", "maybe")))
                .hasMessageContaining("fail_open or fail_closed");
        assertThatThrownBy(() -> load(Map.of("ratelimit.redis.timeout_ms", "5000")))
                .hasMessageContaining("5..1000");
        assertThatThrownBy(() -> load(Map.of("ratelimit.fleet.tenant.rate_per_s", "10")))
                .as("a fleet limit without Redis").hasMessageContaining("needs ratelimit.redis.url");
    }
}
