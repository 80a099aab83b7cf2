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
import java.util.function.Consumer;

/**
 * A real process started through one of the repo's bin/ launchers, with its stdout and stderr captured
 * to files. Always stopped (and, if it will not stop, killed) on close.
 */
public final class LauncherProcess implements AutoCloseable {

    /** Leak detection on; never the gateway's fixed admin port, which a developer's own gateway may hold. */
    public static final Map<String, String> TEST_ENVIRONMENT = Map.of(
            "JAVA_OPTS", "-Dio.netty.leakDetection.level=PARANOID", "BEAMLINE_ADMIN_PORT", "0");

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
        return startCommand(workDir, env, command.toArray(String[]::new));
    }

    /**
     * Starts {@code command} (a launcher, or a program that starts one, e.g. systemd-socket-activate) with the test
     * JVM's environment less every gateway, tracing and socket-activation variable, plus
     * {@link #TEST_ENVIRONMENT}, plus {@code env}.
     */
    public static LauncherProcess startCommand(Path workDir, Map<String, String> env, String... command) {
        return launch(List.of(command), workDir, environment -> {
            environment.keySet().removeIf(k -> k.startsWith("BEAMLINE_") || k.startsWith("CGW_IPC_")
                    || k.startsWith("OTEL_") // tracing only where a test turns it on
                    || k.startsWith("LISTEN_"));
            environment.putAll(TEST_ENVIRONMENT);
            environment.putAll(env);
        });
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
        return launch(command, workDir, e -> {
            e.clear();
            e.putAll(environment);
        });
    }

    private static LauncherProcess launch(List<String> command, Path workDir,
                                          Consumer<Map<String, String>> environment) {
        try {
            // Kept after the test (unlike its temp dir) so that a failed run in CI can be read afterwards.
            Path logs = Files.createDirectories(Path.of("target", "process-logs"));
            Path out = Files.createTempFile(logs, Path.of(command.get(0)).getFileName() + "-", ".out");
            Path err = Path.of(out.toString().replaceFirst("\\.out$", ".err"));
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            environment.accept(pb.environment());
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

    /** The executable the process runs now (a launcher execs its JVM: then it ends in {@code java}). */
    public String command() {
        return process.info().command().orElse("");
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
        process.descendants().forEach(ProcessHandle::destroy); // what it started (e.g. a gateway), first
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
