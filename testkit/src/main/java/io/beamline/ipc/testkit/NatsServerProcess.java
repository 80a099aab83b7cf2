package io.beamline.ipc.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A private {@code nats-server} process for one test class: its own free loopback port, never the shared
 * server on 4222. Started ready (the port accepts connections); stopped by PID on close.
 */
public final class NatsServerProcess implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(15);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Path binary;
    private final int port;
    private final List<String> extraArgs;
    private final Path log;
    private Process process;

    private NatsServerProcess(Path binary, int port, List<String> extraArgs, Path log) {
        this.binary = binary;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.log = log;
    }

    /** Starts a server with default settings plus {@code extraArgs} (nats-server command-line flags). */
    public static NatsServerProcess start(String... extraArgs) {
        return start(List.of(extraArgs));
    }

    /**
     * Starts a server with a configuration file holding {@code configText} (for settings that have no
     * flag, such as {@code max_payload}). The port and address flags still come from this class.
     */
    public static NatsServerProcess startWithConfig(String configText) {
        try {
            Path conf = Files.createTempFile("nats-server", ".conf");
            conf.toFile().deleteOnExit();
            Files.writeString(conf, configText);
            return start(List.of("-c", conf.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NatsServerProcess start(List<String> extraArgs) {
        try {
            Path log = Files.createTempFile("nats-server", ".log");
            log.toFile().deleteOnExit();
            NatsServerProcess server = new NatsServerProcess(findBinary(), freePort(), extraArgs, log);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The server's combined stdout and stderr so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL if the server has not exited within a few seconds. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: the server vanishes without closing its connections cleanly. */
    public void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server if it runs and starts it again on the same port with the same arguments. */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(extraArgs);
        // After the extra args: flags override a config file's listen settings.
        command.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port)));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitAccepting();
    }

    private void awaitAccepting() {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited with " + process.exitValue() + " on port "
                        + port + ":\n" + log());
            }
            if (accepts()) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        stop();
        throw new IllegalStateException("nats-server did not accept on port " + port + " within " + START_WAIT
                + ":\n" + log());
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback TCP port nothing listens on right now (for cluster routes and "nothing there" URLs). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static Path findBinary() {
        Path sbin = Path.of("/usr/sbin/nats-server");
        if (Files.isExecutable(sbin)) {
            return sbin;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "nats-server");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("nats-server not found in /usr/sbin or on PATH");
    }
}
