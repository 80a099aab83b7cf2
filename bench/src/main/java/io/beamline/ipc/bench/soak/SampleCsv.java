package io.beamline.ipc.bench.soak;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** Appends samples to a CSV file as they are taken, flushed per row, so a long run can be watched live. */
public final class SampleCsv implements AutoCloseable {

    public static final String HEADER = "t_s,phase,rss_bytes,heap_after_gc_bytes,threads,open_fds,router_pending,"
            + "connections_open,sent,ok,error_answers,unanswered,in_flight,p50_ms,p99_ms,p999_ms,max_ms,load_avg_1m";

    private final BufferedWriter out;

    public SampleCsv(Path file) {
        try {
            out = Files.newBufferedWriter(file);
            out.write(HEADER);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void append(Sample s) {
        try {
            out.write(row(s));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String row(Sample s) {
        return String.format(Locale.ROOT, "%.1f,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.2f",
                s.seconds(), s.phase(), s.rssBytes(), s.heapAfterGc(), s.threads(), s.fds(), s.pending(),
                s.connections(), s.sent(), s.ok(), s.errorAnswers(), s.unanswered(), s.inFlight(), s.p50Ms(),
                s.p99Ms(), s.p999Ms(), s.maxMs(), s.loadAverage());
    }

    /** Reads a file this class wrote; a column an older version did not write reads as -1. */
    public static List<Sample> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> names = Arrays.asList(lines.get(0).split(","));
        return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> {
            String[] v = l.split(",");
            ToDoubleFunction<String> d = name -> {
                int i = names.indexOf(name);
                return i >= 0 && i < v.length ? Double.parseDouble(v[i]) : -1;
            };
            ToLongFunction<String> n = name -> (long) d.applyAsDouble(name);
            return new Sample(d.applyAsDouble("t_s"), Sample.Phase.valueOf(v[names.indexOf("phase")]),
                    n.applyAsLong("rss_bytes"), n.applyAsLong("heap_after_gc_bytes"), n.applyAsLong("threads"),
                    n.applyAsLong("open_fds"), n.applyAsLong("router_pending"), n.applyAsLong("connections_open"),
                    n.applyAsLong("sent"), n.applyAsLong("ok"), n.applyAsLong("error_answers"),
                    n.applyAsLong("unanswered"), n.applyAsLong("in_flight"), d.applyAsDouble("p50_ms"),
                    d.applyAsDouble("p99_ms"), d.applyAsDouble("p999_ms"), d.applyAsDouble("max_ms"),
                    d.applyAsDouble("load_avg_1m"));
        }).toList();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
