package io.beamline.ipc.router.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StreamSubjectsTest {

    @Test
    void aPlainRequestIdIsOneToken() {
        assertThat(StreamSubjects.of("req-0001_ABC")).isEqualTo("beamline.router.v1.stream.req-0001_ABC");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b", "a b", "a*", "a>", "tab\tx"})
    void idsThatAreNotOneTokenHaveNoStream(String id) {
        assertThat(StreamSubjects.of(id)).isNull();
    }

    @Test
    void settingsAreCheckedWithTheFlagName() {
        assertThatThrownBy(() -> new StreamSettings(1, 0, 0)).hasMessageContaining("--stream-chunk-bytes");
        assertThatThrownBy(() -> new StreamSettings(-1, 1, 0)).hasMessageContaining("--stream-chunks");
        assertThatThrownBy(() -> new StreamSettings(1, 1, -5)).hasMessageContaining("--stream-interval-ms");
    }
}
