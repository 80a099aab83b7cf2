package io.beamline.ipc.bench.soak;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The samples as one PNG of four stacked XChart panels sharing the time axis (minutes): memory, threads and
 * FDs, latency, and load. Rendered headless (Java2D into an image), no display needed.
 */
public final class SoakChart {

    private static final int WIDTH = 900;
    private static final int PANEL_HEIGHT = 240;

    private SoakChart() {
    }

    public static void write(Path png, List<Sample> samples, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Sample> underLoad = samples.stream()
                .filter(s -> s.phase() == Sample.Phase.WARMUP || s.phase() == Sample.Phase.LOAD).toList();
        List<XYChart> panels = List.of(
                panel(title + " - gateway memory (MiB)", samples,
                        series("RSS", s -> s.rssBytes() / 1048576.0),
                        series("heap after GC", s -> s.heapAfterGc() / 1048576.0)),
                panel("live threads and open file descriptors", samples,
                        series("threads", Sample::threads), series("open FDs", Sample::fds)),
                panel("latency per interval (ms, from the intended send time)", underLoad,
                        series("p50", Sample::p50Ms), series("p99", Sample::p99Ms), series("p99.9", Sample::p999Ms),
                        new Series("load avg (right)", Sample::loadAverage, true)),
                panel("per interval: answered/s; at the sample: Router pending, in flight", underLoad,
                        series("answered/s", perSecond(samples)), series("router pending", Sample::pending),
                        series("in flight", Sample::inFlight)));
        BufferedImage all = new BufferedImage(WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), 0, i * PANEL_HEIGHT, null);
        }
        g.dispose();
        ImageIO.write(all, "png", png.toFile());
    }

    /** @param rightAxis drawn against a second y axis on the right (another unit) */
    private record Series(String name, ToDoubleFunction<Sample> value, boolean rightAxis) {
    }

    private static Series series(String name, ToDoubleFunction<Sample> value) {
        return new Series(name, value, false);
    }

    /** Redraws the chart of an existing CSV: {@code SoakChart samples.csv chart.png "title"}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: SoakChart SAMPLES_CSV OUT_PNG TITLE");
            System.exit(2);
        }
        write(Path.of(args[1]), SampleCsv.read(Path.of(args[0])), args[2]);
    }

    /** ok answers per second of the interval that ended at each sample. */
    private static ToDoubleFunction<Sample> perSecond(List<Sample> all) {
        return s -> {
            int i = all.indexOf(s);
            double span = i > 0 ? s.seconds() - all.get(i - 1).seconds() : s.seconds();
            return span > 0 ? s.ok() / span : 0;
        };
    }

    private static XYChart panel(String title, List<Sample> samples, Series... series) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("minutes").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setXAxisDecimalPattern("#0.##"); // else panels starting off-round print 0.0950252…
        if (samples.isEmpty()) {
            return chart;
        }
        List<Double> x = new ArrayList<>();
        samples.forEach(s -> x.add(s.seconds() / 60.0));
        for (Series s : series) {
            if (samples.stream().allMatch(sample -> s.value().applyAsDouble(sample) < 0)) {
                continue; // not in this CSV (an older version's)
            }
            List<Double> y = new ArrayList<>();
            samples.forEach(sample -> y.add(s.value().applyAsDouble(sample)));
            XYSeries xy = chart.addSeries(s.name(), x, y);
            xy.setMarker(SeriesMarkers.CIRCLE);
            if (s.rightAxis()) {
                xy.setYAxisGroup(1);
                chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
            }
        }
        return chart;
    }
}
