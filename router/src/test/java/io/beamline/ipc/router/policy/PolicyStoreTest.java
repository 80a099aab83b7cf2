package io.beamline.ipc.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theShippedDefaultIsOpenaiSeventyAnthropicThirtyWithFallbacksAndStickyUserId() {
        Policy p = PolicyStore.load(null, JSON).find("default_tenant", "default").orElseThrow();
        assertThat(p.providers()).containsExactly(new Provider("openai", 70, 0, 0.0),
                new Provider("anthropic", 30, 0, 0.0));
        assertThat(p.fallbacks()).containsExactly(
                new Fallback(Map.of("status", List.of("timeout", "5xx")), 2, "anthropic"),
                new Fallback(Map.of("status", List.of("rate_limited")), 0, "local_llm"));
        assertThat(p.sticky()).isEqualTo(new Sticky(true, "user_id", Duration.ofMinutes(10)));
        assertThat(p.rateLimit().enabled()).isFalse();
    }

    @Test
    void loadsTenantDirectoriesOfPolicyFilesAndMayReplaceTheDefault() throws IOException {
        write("acme/premium.json", """
                {"providers":[{"name":"claude","weight":100,"expected_latency_ms":900,"expected_cost":0.01}],
                 "rate_limit":{"enabled":true,"requests_per_second":5},
                 "circuit_breaker":{"enabled":true}, "pre":[], "validators":[], "post":[]}""");
        write("default_tenant/default.json", "{\"weights\":{\"local\":1}}");
        write("acme/notes.txt", "ignored");
        PolicyStore store = PolicyStore.load(dir, JSON);
        Policy premium = store.find("acme", "premium").orElseThrow();
        assertThat(premium.providers()).containsExactly(new Provider("claude", 100, 900, 0.01));
        assertThat(premium.rateLimit()).isEqualTo(new RateLimit(true, 5, RateLimit.DEFAULT_BURST));
        assertThat(store.find("default_tenant", "default").orElseThrow().providers())
                .containsExactly(new Provider("local", 1, 0, 0.0));
        assertThat(store.find("acme", "notes")).isEmpty();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void anInvalidFileStopsTheLoadNamingTheFileAndTheField() throws IOException {
        write("acme/bad.json", "{\"providers\":[{\"name\":\"x\",\"weight\":101}]}");
        assertThatThrownBy(() -> PolicyStore.load(dir, JSON)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("acme/bad.json").hasMessageContaining("weight").hasMessageContaining("0..100");
    }

    @Test
    void brokenJsonAndAMissingDirectoryAreErrors() throws IOException {
        write("acme/broken.json", "{");
        assertThatThrownBy(() -> PolicyStore.load(dir, JSON)).hasMessageContaining("broken.json");
        assertThatThrownBy(() -> PolicyStore.load(dir.resolve("nope"), JSON)).hasMessageContaining("not a directory");
    }

    @Test
    void stickyTtlAcceptsUnitsOrSeconds() {
        assertThat(PolicyParser.duration(JSON.valueToTree("30s"), "x")).isEqualTo(Duration.ofSeconds(30));
        assertThat(PolicyParser.duration(JSON.valueToTree("500ms"), "x")).isEqualTo(Duration.ofMillis(500));
        assertThat(PolicyParser.duration(JSON.valueToTree("2h"), "x")).isEqualTo(Duration.ofHours(2));
        assertThat(PolicyParser.duration(JSON.valueToTree(90), "x")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> PolicyParser.duration(JSON.valueToTree("ten minutes"), "f.json"))
                .hasMessageContaining("f.json").hasMessageContaining("sticky.ttl");
    }

    private void write(String rel, String content) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }
}
