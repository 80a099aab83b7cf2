package io.beamline.ipc.bench.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The verdict of a finished soak taken again from its samples.csv, e.g. with other limits or after the
 * verdict's rules changed. The totals are the samples' sums (so "rate held" compares what was sent with
 * itself), and the gateway's log is not searched again: its leak check is the original run's.
 */
@Command(name = "soak-verdict", mixinStandardHelpOptions = true,
        description = "The verdict of a soak's samples.csv, computed again.")
public final class SoakVerdict implements Callable<Integer> {

    @Parameters(index = "0", description = "the soak's output directory (holding samples.csv)")
    Path dir;

    @Option(names = "--warmup", converter = Soak.DurationArg.class,
            description = "judge as if the warm-up had been this long (samples under load before it are not measured);"
                    + " default: the run's own")
    Duration warmup;

    @Mixin
    LimitOptions limitOptions;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakVerdict()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Sample> samples = SampleCsv.read(dir.resolve("samples.csv"));
        if (warmup != null) {
            samples = withWarmup(samples, warmup);
        }
        long sent = samples.stream().mapToLong(Sample::sent).sum();
        long ok = samples.stream().mapToLong(Sample::ok).sum();
        long errors = samples.stream().mapToLong(Sample::errorAnswers).sum();
        long unanswered = samples.stream().mapToLong(Sample::unanswered).sum();
        long inFlight = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).inFlight();
        Verdict v = Verdict.of(samples, new Verdict.Totals(sent, sent, ok, errors, unanswered, inFlight), List.of(),
                limitOptions.limits());
        System.out.print(v);
        return v.pass() ? 0 : 1;
    }

    /**
     * The samples under load relabelled: WARMUP up to {@code warmup} after the load started, LOAD after it. The load
     * started one sample interval before its first sample (the driver samples at the end of each interval).
     */
    static List<Sample> withWarmup(List<Sample> samples, Duration warmup) {
        List<Sample> underLoad = samples.stream()
                .filter(s -> s.phase() == Sample.Phase.WARMUP || s.phase() == Sample.Phase.LOAD).toList();
        if (underLoad.size() < 2) {
            return samples;
        }
        double interval = underLoad.get(1).seconds() - underLoad.get(0).seconds();
        double loadStart = underLoad.get(0).seconds() - interval;
        double end = warmup.toNanos() / 1e9;
        return samples.stream().map(s -> s.phase() != Sample.Phase.WARMUP && s.phase() != Sample.Phase.LOAD ? s
                : s.withPhase(s.seconds() - loadStart <= end + interval / 2 ? Sample.Phase.WARMUP : Sample.Phase.LOAD))
                .toList();
    }
}
