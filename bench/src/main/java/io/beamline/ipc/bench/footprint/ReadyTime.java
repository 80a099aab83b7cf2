package io.beamline.ipc.bench.footprint;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time from exec to a process's ready line on stdout, over several launches: the process is started
 * ({@link ProcessBuilder#start}, a fork and exec of the launcher script), its stdout read line by line until one
 * contains the ready text, then it gets SIGTERM and is waited for. stderr goes to a file.
 */
final class ReadyTime {

    private ReadyTime() {
    }

    /**
     * @param command  the launcher and its arguments; {@code {i}} in an argument is replaced by the run number
     *                 (so each run can have its own socket)
     * @return milliseconds of each run, in run order
     */
    static List<Double> measure(List<String> command, String readyText, int runs, File stderr, long timeoutS)
            throws IOException, InterruptedException {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            List<String> cmd = new ArrayList<>();
            for (String a : command) {
                cmd.add(a.replace("{i}", Integer.toString(i)));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderr));
            long start = System.nanoTime();
            Process p = pb.start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                boolean ready = false;
                while ((line = out.readLine()) != null) {
                    if (line.contains(readyText)) {
                        ready = true;
                        break;
                    }
                }
                long took = System.nanoTime() - start;
                if (!ready) {
                    throw new IOException("run " + i + ": the process ended without printing '" + readyText
                            + "'; see " + stderr);
                }
                ms.add(took / 1e6);
            } finally {
                p.destroy(); // SIGTERM: the launcher exec'd the JVM, so this reaches it
                if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
        return ms;
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
