package io.beamline.ipc.bench.soak;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    LimitOptions limitOptions;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakVerdict()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Sample> samples = SampleCsv.read(dir.resolve("samples.csv"));
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
}
