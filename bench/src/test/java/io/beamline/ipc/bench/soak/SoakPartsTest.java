package io.beamline.ipc.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.client.IpcConnectionException;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Json;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
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
    void warmsUpFor200SampleIntervalsWithinTwoMinutesAndAThirdOfTheRun() {
        assertThat(Soak.defaultWarmup(Duration.ofMinutes(120), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofMinutes(33).plusSeconds(20));
        assertThat(Soak.defaultWarmup(Duration.ofHours(10), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofMinutes(33).plusSeconds(20));
        assertThat(Soak.defaultWarmup(Duration.ofMinutes(30), Duration.ofSeconds(10))).isEqualTo(Duration.ofMinutes(10));
        assertThat(Soak.defaultWarmup(Duration.ofSeconds(60), Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(20));
        assertThat(Soak.defaultWarmup(Duration.ofHours(2), Duration.ofMillis(100))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void judgesAgainWithAnotherWarmup() {
        Sample.Resources r = new Sample.Resources(100, 10, 20, 30, 0, 0, 0.5);
        List<Sample> run = List.of(
                Sample.of(0, Sample.Phase.IDLE_BEFORE, r, Sample.Load.NONE),
                Sample.of(11, Sample.Phase.WARMUP, r, Sample.Load.NONE),
                Sample.of(21, Sample.Phase.WARMUP, r, Sample.Load.NONE),
                Sample.of(31, Sample.Phase.LOAD, r, Sample.Load.NONE),
                Sample.of(41, Sample.Phase.LOAD, r, Sample.Load.NONE),
                Sample.of(51, Sample.Phase.LOAD, r, Sample.Load.NONE),
                Sample.of(60, Sample.Phase.IDLE_AFTER, r, Sample.Load.NONE));

        assertThat(SoakVerdict.withWarmup(run, Duration.ofSeconds(40))).extracting(Sample::phase).containsExactly(
                Sample.Phase.IDLE_BEFORE, Sample.Phase.WARMUP, Sample.Phase.WARMUP, Sample.Phase.WARMUP,
                Sample.Phase.WARMUP, Sample.Phase.LOAD, Sample.Phase.IDLE_AFTER);
        assertThat(SoakVerdict.withWarmup(run, Duration.ZERO)).extracting(Sample::phase).containsExactly(
                Sample.Phase.IDLE_BEFORE, Sample.Phase.LOAD, Sample.Phase.LOAD, Sample.Phase.LOAD,
                Sample.Phase.LOAD, Sample.Phase.LOAD, Sample.Phase.IDLE_AFTER);
        assertThat(SoakVerdict.withWarmup(run, Duration.ofSeconds(40))).extracting(Sample::rssBytes)
                .containsOnly(100L);
    }

    @Test
    void keepsTheSmallestRssReading() {
        ArrayDeque<Long> readings = new ArrayDeque<>(List.of(130L, 125L, -1L, 122L, 126L));
        assertThat(GatewayProbe.smallestOf(readings::poll, 5, Duration.ZERO)).isEqualTo(122L);
        assertThat(readings).isEmpty();
        assertThat(GatewayProbe.smallestOf(() -> -1L, 3, Duration.ZERO)).isEqualTo(-1L);
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
    void writesCsvRowsThatReadBack(@TempDir Path dir) throws Exception {
        Sample s = Sample.of(10, Sample.Phase.LOAD, new Sample.Resources(1, 2, 3, 4, 5, 6, 0.5),
                new Sample.Load(7, 8, 9, 10, 11, 1.5, 2.5, 3.5, 4.5));
        try (SampleCsv csv = new SampleCsv(dir.resolve("s.csv"))) {
            csv.append(s);
        }
        assertThat(Files.readAllLines(dir.resolve("s.csv")))
                .containsExactly(SampleCsv.HEADER, "10.0,LOAD,1,2,3,4,5,6,7,8,9,10,11,1.500,2.500,3.500,4.500,0.50");
        assertThat(SampleCsv.read(dir.resolve("s.csv"))).containsExactly(s);
    }

    @Test
    void writesAChartOfFourPanelsWithEverySeriesDrawnAcrossTheTimeAxis(@TempDir Path dir) throws Exception {
        SoakChart.write(dir.resolve("c.png"), run(), "test");
        BufferedImage png = ImageIO.read(dir.resolve("c.png").toFile());

        assertThat(Files.readAllBytes(dir.resolve("c.png"))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png).as("an image that decodes").isNotNull();
        assertThat(png.getWidth()).isEqualTo(900);
        assertThat(png.getHeight()).as("four panels of 240 px").isEqualTo(960);
        assertThat(seriesAcrossThePlot(png, 0)).as("memory: RSS, heap after GC")
                .containsExactlyInAnyOrder(Hue.BLUE, Hue.ORANGE);
        assertThat(seriesAcrossThePlot(png, 1)).as("threads, open FDs")
                .containsExactlyInAnyOrder(Hue.BLUE, Hue.ORANGE);
        assertThat(seriesAcrossThePlot(png, 2)).as("p50, p99, p99.9, load average")
                .containsExactlyInAnyOrder(Hue.BLUE, Hue.ORANGE, Hue.PURPLE, Hue.GREEN);
        assertThat(seriesAcrossThePlot(png, 3)).as("answered/s, Router pending, in flight")
                .containsExactlyInAnyOrder(Hue.BLUE, Hue.ORANGE, Hue.PURPLE);
    }

    /** The control for the pixel check above: axes, grid and text alone show no series. */
    @Test
    void aChartWithoutSamplesShowsNoSeries(@TempDir Path dir) throws Exception {
        SoakChart.write(dir.resolve("c.png"), List.of(), "test");
        BufferedImage png = ImageIO.read(dir.resolve("c.png").toFile());

        assertThat(png.getHeight()).isEqualTo(960);
        for (int panel = 0; panel < 4; panel++) {
            assertThat(seriesAcrossThePlot(png, panel)).as("panel %d", panel).isEmpty();
        }
    }

    /**
     * The colours XChart's default theme gives series 1 to 4 (blue, orange, purple, green), as hues of
     * java.awt.Color's HSB model. Axes, grid, text and background are grey, so carry no hue.
     */
    private enum Hue {
        BLUE(0.63f), ORANGE(0.11f), PURPLE(0.75f), GREEN(0.33f);

        private final float hue;

        Hue(float hue) {
            this.hue = hue;
        }

        static Optional<Hue> of(int rgb) {
            float[] hsb = Color.RGBtoHSB((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, null);
            if (hsb[1] < 0.4f || hsb[2] < 0.3f) {
                return Optional.empty(); // grey, white or black: not a series
            }
            return Arrays.stream(values()).filter(h -> Math.abs(h.hue - hsb[0]) < 0.03f).findFirst();
        }
    }

    // Where one panel plots (pixels of the 900 px wide image): right of the y axis labels, left of the
    // legend; the samples below start and end the time axis, so every series reaches both edge strips.
    private static final int PANEL_HEIGHT = 240;
    private static final int PLOT_LEFT = 50;
    private static final int PLOT_RIGHT = 740;
    private static final int EDGE_STRIP = 150;
    /** Pixels of a series' hue in an edge strip that make a drawn line, not an antialiasing fringe. */
    private static final int LINE_PIXELS = 20;

    /** The series hues drawn in both the left and the right strip of a panel's plot area. */
    private static Set<Hue> seriesAcrossThePlot(BufferedImage png, int panel) {
        Map<Hue, Integer> left = huesIn(png, panel, PLOT_LEFT, PLOT_LEFT + EDGE_STRIP);
        Map<Hue, Integer> right = huesIn(png, panel, PLOT_RIGHT - EDGE_STRIP, PLOT_RIGHT);
        Set<Hue> across = EnumSet.noneOf(Hue.class);
        for (Hue h : Hue.values()) {
            if (left.getOrDefault(h, 0) >= LINE_PIXELS && right.getOrDefault(h, 0) >= LINE_PIXELS) {
                across.add(h);
            }
        }
        return across;
    }

    private static Map<Hue, Integer> huesIn(BufferedImage png, int panel, int fromX, int toX) {
        Map<Hue, Integer> count = new EnumMap<>(Hue.class);
        for (int y = panel * PANEL_HEIGHT; y < (panel + 1) * PANEL_HEIGHT; y++) {
            for (int x = fromX; x < toX; x++) {
                Hue.of(png.getRGB(x, y)).ifPresent(h -> count.merge(h, 1, Integer::sum));
            }
        }
        return count;
    }

    /**
     * A short soak's samples, every 30 s: idle, warm-up, three under load, idle again. The values keep the
     * lines of one panel apart (answered/s 200 against 60-80 pending and 120-140 in flight, say), so that
     * none hides another.
     */
    private static List<Sample> run() {
        return List.of(
                Sample.of(0, Sample.Phase.IDLE_BEFORE, resources(100, 10, 20, 40, 0, 0.2), Sample.Load.NONE),
                Sample.of(30, Sample.Phase.WARMUP, resources(150, 14, 30, 60, 70, 1.0), load(6000, 130, 1.0, 4.0)),
                Sample.of(60, Sample.Phase.LOAD, resources(160, 15, 31, 61, 60, 1.5), load(6000, 120, 1.2, 5.0)),
                Sample.of(90, Sample.Phase.LOAD, resources(165, 15, 31, 62, 80, 1.8), load(6000, 140, 0.9, 6.0)),
                Sample.of(120, Sample.Phase.LOAD, resources(170, 16, 32, 61, 65, 1.2), load(6000, 125, 1.1, 3.0)),
                Sample.of(150, Sample.Phase.IDLE_AFTER, resources(170, 15, 30, 60, 0, 0.8), Sample.Load.NONE));
    }

    private static Sample.Resources resources(long rssMiB, long heapMiB, long threads, long fds, long pending,
                                              double loadAverage) {
        return new Sample.Resources(rssMiB << 20, heapMiB << 20, threads, fds, pending, 4, loadAverage);
    }

    /** {@code ok} answers in the 30 s interval: 6,000 is 200/s. */
    private static Sample.Load load(long ok, long inFlight, double p50Ms, double p99Ms) {
        return new Sample.Load(ok, ok, 0, 0, inFlight, p50Ms, p99Ms, p99Ms * 1.5, p99Ms * 2);
    }
}
