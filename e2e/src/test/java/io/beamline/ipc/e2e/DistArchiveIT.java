package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamline.ipc.testkit.LauncherProcess;
import io.beamline.ipc.testkit.NatsServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the archive of {@code make dist} (scripts/make-dist), built from the modules' jars, unpacked into an
 * empty directory, runs on its own jlinked runtime: no JDK on the PATH, no JAVA_HOME. Built once for the class
 * (jlink takes a while).
 */
class DistArchiveIT {

    private static final Path REPO = LauncherProcess.repoRoot();
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;
    /** The unpacked archive's top directory. */
    static Path home;
    static String version;

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    static void buildAndUnpack() throws Exception {
        version = projectVersion();
        Path out = Files.createDirectories(tmp.resolve("out"));
        run(Duration.ofMinutes(14), REPO.resolve("scripts/make-dist").toString(), "--out", out.toString());
        Path archive = out.resolve("beamline-ipc-gateway-" + version + "-linux-x86_64.tar.gz");
        assertThat(archive).isRegularFile();

        Path unpacked = Files.createDirectory(tmp.resolve("unpacked"));
        run(Duration.ofMinutes(2), "tar", "-xzf", archive.toString(), "-C", unpacked.toString());
        home = unpacked.resolve("beamline-ipc-gateway-" + version);
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.toList()).as("one top directory").containsExactly(home);
        }
    }

    @Test
    void holdsTheLaunchersRuntimeConfigUnitsAndReadme() throws Exception {
        for (String exe : List.of("bin/ipc-gateway", "bin/ipc-router", "bin/ipc", "runtime/bin/java", "runtime/bin/jcmd")) {
            assertThat(home.resolve(exe)).as(exe).isExecutable();
        }
        for (String file : List.of("scripts/launcher.sh", "etc/gateway.yaml", "README.md",
                "share/systemd/user/beamline-gateway.socket", "share/systemd/user/beamline-gateway.service",
                "share/systemd/user/beamline-router.service",
                "lib/gateway/gateway-" + version + ".jar", "lib/router/router-" + version + ".jar",
                "lib/client/client-" + version + ".jar")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        try (Stream<Path> libs = Files.list(home.resolve("lib/gateway/lib"))) {
            assertThat(libs.map(p -> p.getFileName().toString()))
                    .as("Netty's epoll library for this platform")
                    .anyMatch(n -> n.matches("netty-transport-native-epoll-.*-linux-x86_64\\.jar"));
        }
        assertThat(Files.readString(home.resolve("README.md"))).contains("# Beamline IPC Gateway " + version)
                .doesNotContain("@VERSION@");
        assertThat(Files.readString(home.resolve("share/systemd/user/beamline-gateway.socket")))
                .contains("ListenStream=%t/beamline/gateway.sock", "SocketMode=0600", "DirectoryMode=0700");
        // What run time needs beyond what jdeps sees in the jars.
        String modules = run(Duration.ofSeconds(60), home.resolve("runtime/bin/java").toString(), "--list-modules");
        for (String m : List.of("java.base", "jdk.unsupported", "jdk.httpserver", "java.net.http", "java.management",
                "jdk.management", "jdk.jfr", "jdk.jcmd", "jdk.attach", "java.naming", "java.sql")) {
            assertThat(modules).as(m).containsPattern("(?m)^" + Pattern.quote(m) + "@");
        }
        // Not a whole JDK: no compiler.
        assertThat(modules).doesNotContain("jdk.compiler@");
        assertThat(home.resolve("runtime/bin/javac")).doesNotExist();
    }

    @Test
    void theExampleConfigIsAcceptedByTheGateway() {
        Path config = home.resolve("etc/gateway.yaml");
        try (LauncherProcess p = archive("ipc-gateway", "--config", config.toString(), "--print-config")) {
            assertThat(p.awaitExit(START)).as(p.stderr()).isZero();
            assertThat(p.stdout())
                    .containsPattern("(?m)^nats\\.url += nats://127\\.0\\.0\\.1:4222 +# from file " + Pattern.quote(config.toString()))
                    .containsPattern("(?m)^router\\.timeout_ms += 5000 +# from file ")
                    .containsPattern("(?m)^ipc\\.allowed_uids += self,0 +# from file ");
        }
    }

    @Test
    void servesASubmitWithTheArchivesOwnRuntime() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
             LauncherProcess router = archive("ipc-router", "--nats", nats.url())) {
            router.awaitStdout("serving", START);
            Path socket = tmp.resolve("gw.sock");
            LauncherProcess gateway = archive("ipc-gateway", "--nats", nats.url(), "--socket", socket.toString(),
                    "--admin-port", "0");
            try {
                gateway.awaitStdout("listening on", START);
                // The launchers exec the runtime's java: the process IS the archive's JVM.
                Path java = home.resolve("runtime/bin/java").toRealPath();
                assertThat(Path.of("/proc", Long.toString(gateway.pid()), "exe").toRealPath()).isEqualTo(java);
                assertThat(Path.of("/proc", Long.toString(router.pid()), "exe").toRealPath()).isEqualTo(java);

                try (LauncherProcess cli = archive("ipc", "--socket", socket.toString(), "--json", "submit",
                        "--type", "code_completion", "--payload", "{\"file\":\"a.py\",\"line\":3}")) {
                    assertThat(cli.awaitExit(START)).as(cli.stderr()).isZero();
                    JsonNode answer = new ObjectMapper().readTree(cli.stdout());
                    assertThat(answer.path("ok").asBoolean()).isTrue();
                    // The reference Router's shipped default policy: weighted between these two.
                    JsonNode decision = answer.path("decision");
                    assertThat(decision.path("provider_id").asText()).isIn("openai", "anthropic");
                    assertThat(decision.path("reason").asText()).isEqualTo("weighted");
                    assertThat(decision.path("metadata").path("tenant_id").asText()).isEqualTo("default_tenant");
                }
            } finally {
                gateway.terminate();
                int code = gateway.awaitExit(START);
                gateway.close();
                assertThat(code).as(gateway.stderr()).isZero();
                assertThat(gateway.stderr()).doesNotContain("LEAK");
            }
        }
    }

    /** The units as systemd reads them, with the archive where they expect it (~/.local/opt/beamline-ipc-gateway). */
    @Test
    void systemdAcceptsTheUserUnits() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "no systemd-analyze here");
        Path userHome = Files.createDirectories(tmp.resolve("home/.local/opt")).getParent().getParent();
        Files.createSymbolicLink(userHome.resolve(".local/opt/beamline-ipc-gateway"), home);
        Path runtimeDir = Files.createDirectory(tmp.resolve("xdg"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path units = home.resolve("share/systemd/user");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/systemd-analyze", "verify", "--user",
                units.resolve("beamline-gateway.socket").toString(), units.resolve("beamline-gateway.service").toString(),
                units.resolve("beamline-router.service").toString()).redirectErrorStream(true);
        pb.environment().put("HOME", userHome.toString());
        pb.environment().put("XDG_RUNTIME_DIR", runtimeDir.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // Warnings (an unknown key, a missing command) are printed; a clean unit prints nothing.
        assertThat(output).isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    /**
     * One of the archive's launchers with an environment that has no JDK: PATH holds only what the launcher
     * script itself runs (bash for its shebang, env, dirname, readlink), no JAVA_HOME.
     */
    private static LauncherProcess archive(String launcher, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", tools().toString());
        env.put("HOME", tmp.toString());
        env.put("JAVA_OPTS", "-Dio.netty.leakDetection.level=PARANOID");
        env.put("BEAMLINE_ADMIN_PORT", "0");
        return LauncherProcess.startWithOnlyEnvironment(home.resolve("bin").resolve(launcher), tmp, env, args);
    }

    private static Path tools() {
        Path tools = tmp.resolve("tools");
        try {
            if (Files.notExists(tools)) {
                Files.createDirectory(tools);
                for (String t : List.of("bash", "env", "dirname", "readlink")) {
                    Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, t)).filter(Files::isExecutable)
                            .findFirst().orElseThrow(() -> new AssertionError("no " + t));
                    Files.createSymbolicLink(tools.resolve(t), found);
                }
            }
            assertThat(tools.resolve("java")).doesNotExist();
            return tools;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The version of the root pom (the project's own {@code <version>}, the first one). */
    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(REPO.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Runs a command to its end; returns its output, fails on a non-zero exit. */
    private static String run(Duration limit, String... command) throws Exception {
        Path log = Files.createTempFile(tmp, "cmd-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + limit + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
