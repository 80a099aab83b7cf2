package io.beamline.ipc.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real process started through one of the repo's bin/ launchers, with its stdout and stderr captured
 * to files. Always stopped (and, if it will not stop, killed) on close.
 */
public final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private LauncherProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The repository root, passed by the build as the system property {@code repo.root}. */
    public static Path repoRoot() {
        String root = System.getProperty("repo.root");
        if (root == null) {
            throw new IllegalStateException("system property repo.root is not set (run through Maven)");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    public static LauncherProcess start(String launcher, Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(repoRoot().resolve("bin").resolve(launcher).toString());
        command.addAll(List.of(args));
        try {
            // Kept after the test (unlike its temp dir) so that a failed run in CI can be read afterwards.
            Path logs = Files.createDirectories(Path.of("target", "process-logs"));
            Path out = Files.createTempFile(logs, launcher + "-", ".out");
            Path err = Path.of(out.toString().replaceFirst("\\.out$", ".err"));
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("BEAMLINE_") || k.startsWith("CGW_IPC_")
                    || k.startsWith("OTEL_")); // tracing only where a test turns it on
            pb.environment().put("JAVA_OPTS", "-Dio.netty.leakDetection.level=PARANOID");
            // Tests never take the gateway's fixed admin port: a gateway a developer runs may hold it.
            pb.environment().put("BEAMLINE_ADMIN_PORT", "0");
            pb.environment().putAll(env);
            return new LauncherProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code executable} (e.g. a launcher of an unpacked archive) with exactly {@code environment}: nothing
     * of the test JVM's own environment (PATH, JAVA_HOME) is passed on.
     */
    public static LauncherProcess startWithOnlyEnvironment(Path executable, Path workDir,
                                                           Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        try {
            Path logs = Files.createDirectories(Path.of("target", "process-logs"));
            Path out = Files.createTempFile(logs, executable.getFileName() + "-", ".out");
            Path err = Path.of(out.toString().replaceFirst("\\.out$", ".err"));
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(environment);
            return new LauncherProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void awaitStdout(String text, Duration wait) {
        await().atMost(wait).until(() -> stdout().contains(text) || !process.isAlive());
        if (!stdout().contains(text)) {
            throw new AssertionError("process exited (" + process.exitValue() + ") before printing '" + text
                    + "'\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    public int awaitExit(Duration wait) {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("process did not exit within " + wait + "\nstderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
