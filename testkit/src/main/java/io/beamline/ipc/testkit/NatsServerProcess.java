package io.beamline.ipc.testkit;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A private {@code nats-server} process for one test class, on a loopback port of its own, never the shared
 * server on 4222. The server picks its port itself ({@code -p -1}) and this class reads it from the server's
 * log, so no other process can take the port between "found free" and "bound". Started ready; stopped by
 * PID on close.
 */
public final class NatsServerProcess implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(15);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** How long a restart may wait for its old port to come free again. */
    private static final Duration RESTART_WAIT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(5);

    // Log lines of nats-server 2.9 (Debian's 2.9.10 in /usr/sbin): the listeners, then "ready".
    private static final Pattern CLIENT_PORT = Pattern.compile("Listening for client connections on \\S+:(\\d+)");
    private static final Pattern ROUTE_PORT = Pattern.compile("Listening for route connections on \\S+:(\\d+)");
    private static final String READY = "Server is ready";
    private static final String PORT_TAKEN = "address already in use";
    /** {@code -p -1}: nats-server binds a port the kernel chooses. */
    private static final int ANY_PORT = -1;

    private final Path binary;
    private final List<String> extraArgs;
    private final Path log;
    private int port;
    private long launchLogOffset;
    private Process process;

    private NatsServerProcess(Path binary, List<String> extraArgs, Path log) {
        this.binary = binary;
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
            NatsServerProcess server = new NatsServerProcess(findBinary(), extraArgs, log);
            if (!server.launch(ANY_PORT)) {
                throw new IllegalStateException("nats-server could not bind a port of its choice:\n" + server.log());
            }
            server.port = server.reportedPort(CLIENT_PORT);
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

    /**
     * The cluster route port of a server started with {@code --cluster nats://127.0.0.1:-1} (a port of its
     * choice); waits for the server to report it, since it opens that listener after the client one.
     */
    public int routePort() {
        return reportedPort(ROUTE_PORT);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The server's combined stdout and stderr so far (every launch), for failure messages. */
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

    /**
     * Stops the server if it runs and starts it again on the same port with the same arguments (its
     * clients reconnect to that port). While it was down, another process may have taken the port, even a
     * client's own outgoing connection: each attempt first waits until the port can be bound, and a start
     * that still loses the race is retried, for up to {@link #RESTART_WAIT}.
     */
    public void restart() {
        stop();
        long deadline = System.nanoTime() + RESTART_WAIT.toNanos();
        while (true) {
            awaitBindable(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (launch(port)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("nats-server could not bind port " + port + " again within "
                        + RESTART_WAIT + ":\n" + log());
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Starts nats-server on {@code portArg} and waits until it says it is ready.
     *
     * @return false when it exited because the port is taken (the caller may retry)
     */
    private boolean launch(int portArg) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(extraArgs);
        // After the extra args: flags override a config file's listen settings.
        command.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(portArg)));
        try {
            launchLogOffset = Files.size(log);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        return awaitReady(portArg);
    }

    private boolean awaitReady(int portArg) {
        try {
            await().atMost(START_WAIT).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> launchLog().contains(READY) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            stop();
            throw new IllegalStateException("nats-server (port " + portArg + ") was not ready within "
                    + START_WAIT + ":\n" + log());
        }
        if (launchLog().contains(READY)) {
            return true;
        }
        // Exited: read its last words only now, after the exit flushed them.
        if (launchLog().contains(PORT_TAKEN)) {
            return false;
        }
        throw new IllegalStateException("nats-server exited with " + process.exitValue() + " (port " + portArg
                + "):\n" + log());
    }

    /** Waits until a listener could bind the old port: a probe only, the launch itself may still lose it. */
    private void awaitBindable(Duration wait) {
        try {
            await().atMost(wait.plus(POLL)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> bindable(port));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("port " + port + " of the stopped nats-server is still taken after "
                    + RESTART_WAIT + ":\n" + log());
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as nats-server's listener: a port in TIME_WAIT counts as free
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the current launch reported in its log, waiting for the line if it is not there yet. */
    private int reportedPort(Pattern line) {
        int reported;
        try {
            reported = await().atMost(START_WAIT).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> firstGroup(line, launchLog()), p -> p > 0 || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            reported = 0;
        }
        if (reported == 0) {
            throw new IllegalStateException("nats-server did not report '" + line.pattern() + "' within "
                    + START_WAIT + " (alive: " + process.isAlive() + "):\n" + log());
        }
        return reported;
    }

    private static int firstGroup(Pattern line, String text) {
        Matcher m = line.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** What the current launch wrote: the log is shared by every launch of this server. */
    private String launchLog() {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length() - launchLogOffset;
            byte[] bytes = new byte[(int) Math.max(0, length)];
            f.seek(launchLogOffset);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A loopback TCP port nothing listens on right now. Racy by nature (another process may bind it before
     * it is used), so only for a URL where nothing is meant to listen; servers of this class pick their own
     * port. Kept for callers outside the e2e tests.
     */
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
