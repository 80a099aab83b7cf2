package io.beamline.ipc.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.client.IpcConnectionException;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parts of the soak: metric parsing, duration arguments, answer classification, CSV and chart. */
class SoakPartsTest {

    private static final String METRICS = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 5.0E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1000000.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 2.0E7
            jvm_threads_live_threads 26.0
            jvm_threads_live_threads_extra 99.0
            router_requests_pending 0.0
            """;

    @Test
    void sumsTheSeriesWhoseLabelsMatch() {
        assertThat(PrometheusText.sum(METRICS, "jvm_memory_used_bytes", "area=\"heap\"")).hasValue(5.1E7);
        assertThat(PrometheusText.sum(METRICS, "jvm_threads_live_threads", "")).hasValue(26.0);
        assertThat(PrometheusText.sum(METRICS, "router_requests_pending", "")).hasValue(0.0);
        assertThat(PrometheusText.sum(METRICS, "ipc_connections_open", "")).isEmpty();
    }

    @Test
    void readsShortAndIsoDurations() {
        Soak.DurationArg d = new Soak.DurationArg();
        assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.convert("32m")).isEqualTo(Duration.ofMinutes(32));
        assertThat(d.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(d.convert("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void anErrorAnswerIsAnAnswerButATimeoutOrALostConnectionIsNot() {
        ErrorResponse refused = new ErrorResponse(false, null, null, ErrorBody.of(ErrorCode.values()[0], "no"));
        assertThat(RateDriver.isAnswer(new CompletionException(
                new IpcErrorException(refused, Json.mapper().createObjectNode())))).isTrue();
        assertThat(RateDriver.isAnswer(new TimeoutException())).isFalse();
        assertThat(RateDriver.isAnswer(new CompletionException(new IpcConnectionException("closed")))).isFalse();
    }

    @Test
    void writesCsvRowsAndAChart(@TempDir Path dir) throws Exception {
        Sample s = Sample.of(10, Sample.Phase.LOAD, new Sample.Resources(1, 2, 3, 4, 5, 6, 0.5),
                new Sample.Load(7, 8, 9, 10, 11, 1.5, 2.5, 3.5, 4.5));
        try (SampleCsv csv = new SampleCsv(dir.resolve("s.csv"))) {
            csv.append(s);
        }
        assertThat(Files.readAllLines(dir.resolve("s.csv")))
                .containsExactly(SampleCsv.HEADER, "10.0,LOAD,1,2,3,4,5,6,7,8,9,10,11,1.500,2.500,3.500,4.500,0.50");
        assertThat(SampleCsv.read(dir.resolve("s.csv"))).containsExactly(s);

        SoakChart.write(dir.resolve("c.png"), List.of(s), "test");
        byte[] png = Files.readAllBytes(dir.resolve("c.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}
