package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The table of settings is complete and says what its parsers do. */
class GatewaySettingsTest {

    @Test
    void everyDeclaredSettingIsInAllOnce() throws IllegalAccessException {
        List<String> declared = new ArrayList<>();
        for (Field f : GatewaySettings.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() == Setting.class && Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                declared.add(((Setting<?>) f.get(null)).key());
            }
        }
        assertThat(declared).as("public Setting constants").hasSizeGreaterThan(50);
        assertThat(GatewaySettings.ALL.stream().map(Setting::key)).as("keys in ALL")
                .containsExactlyInAnyOrderElementsOf(declared);
        assertThat(GatewaySettings.ALL.stream().map(Setting::key)).as("keys").doesNotHaveDuplicates();
        assertThat(GatewaySettings.ALL.stream().flatMap(s -> Stream.concat(Stream.of(s.envName()),
                s.legacyEnv().stream()))).as("environment names").doesNotHaveDuplicates();
    }

    static Stream<Named<Setting<?>>> integerRangeSettings() {
        List<Setting<?>> ranged = GatewaySettings.ALL.stream().filter(s -> intRange(s).isPresent()).toList();
        assertThat(ranged).as("settings that are an integer range").hasSizeGreaterThan(30);
        return ranged.stream().map(s -> Named.of(s.key(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integerRangeSettings")
    void anIntegerRangeAcceptsExactlyTheBoundsItsTextNames(Setting<?> s) {
        IntRange r = intRange(s).orElseThrow();
        assertThat(s.allowed()).startsWith("an integer in " + r.min() + ".." + r.max());
        assertThat(s.parse().apply(Integer.toString(r.min()))).isEqualTo(r.min());
        assertThat(s.parse().apply(Integer.toString(r.max()))).isEqualTo(r.max());
        // As longs, so that the bounds of a range ending at Integer.MAX_VALUE are tested too.
        assertRejects(s, Long.toString(r.min() - 1L));
        assertRejects(s, Long.toString(r.max() + 1L));
    }

    private static final Pattern RANGE_TEXT = Pattern.compile("an integer in (-?\\d+)\\.\\.(-?\\d+)");

    /** Also catches a range written by hand beside some other parser, which the test above cannot see. */
    @Test
    void everyIntegerRangeInATextIsWhatTheParserAccepts() {
        int seen = 0;
        for (Setting<?> s : GatewaySettings.ALL) {
            Matcher m = RANGE_TEXT.matcher(s.allowed());
            if (!m.find()) {
                continue;
            }
            seen++;
            long min = Long.parseLong(m.group(1));
            long max = Long.parseLong(m.group(2));
            assertThat(s.parse().apply(Long.toString(min))).as(s.key()).isEqualTo((int) min);
            assertThat(s.parse().apply(Long.toString(max))).as(s.key()).isEqualTo((int) max);
            assertRejects(s, Long.toString(min - 1));
            assertRejects(s, Long.toString(max + 1));
        }
        assertThat(seen).isGreaterThan(30);
    }

    @Test
    void theBackpressurePollIsOffOrWithinItsRange() {
        var poll = GatewaySettings.BACKPRESSURE_POLL_INTERVAL_MS;
        assertThat(poll.allowed()).startsWith("0 or an integer in 100..600000");
        assertThat(poll.parse().apply("0")).isZero();
        assertRejects(poll, "1");
    }

    @Test
    void natsUrlAcceptsExactlyTheSchemesItsTextNames() {
        Setting<?> urls = GatewaySettings.NATS_URLS;
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("(\\w+)://").matcher(urls.allowed());
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).as("schemes in \"%s\"", urls.allowed()).contains("nats");
        Set<String> candidates = new TreeSet<>(named);
        candidates.addAll(List.of("nats", "tls", "ws", "wss", "opentls", "http", "https", "tcp", "redis"));
        for (String scheme : candidates) {
            String url = scheme + "://127.0.0.1:4222";
            if (named.contains(scheme)) {
                assertThat(urls.parse().apply(url)).as(url).isEqualTo(List.of(URI.create(url)));
            } else {
                assertRejects(urls, url);
            }
        }
        assertThat(urls.allowed()).contains("with a host");
        assertRejects(urls, "nats:///no-host");
    }

    private static void assertRejects(Setting<?> s, String text) {
        assertThatIllegalArgumentException().as("%s = %s", s.key(), text).isThrownBy(() -> s.parse().apply(text));
    }

    /** The range of an integer setting, seen through the setting's note. */
    private static Optional<IntRange> intRange(Setting<?> s) {
        return switch (s.kind()) {
            case IntRange r -> Optional.of(r);
            case ValueKind.Noted<?>(IntRange r, String note) -> Optional.of(r);
            default -> Optional.empty();
        };
    }
}
