package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.testkit.LauncherProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/launcher.sh's JVM defaults and class-data cache (issue 10), through bin/ipc-gateway --version: the user's
 * JAVA_OPTS win over the defaults without a conflict, and a cache that is broken or older than the jars is used
 * silently or not at all (nothing on stdout, where the gateway's own lines go).
 */
class LauncherIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private LauncherProcess version(Map<String, String> env) {
        return LauncherProcess.start("ipc-gateway", dir, env, "--version");
    }

    private static String onlyVersion(String stdout) {
        return stdout.strip();
    }

    @Test
    void theDefaultsAreG1WithASmallHeapAndTheUsersGcWinsWithoutAConflict() {
        try (LauncherProcess p = version(Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags",
                "BEAMLINE_JVM_CACHE_DIR", dir.toString()))) {
            assertThat(p.awaitExit(EXIT)).isZero();
            assertThat(p.stdout()).contains("-XX:+UseG1GC", "-XX:MaxHeapSize=268435456");
        }
        try (LauncherProcess p = version(Map.of("JAVA_OPTS", "-XX:+UseSerialGC -Xmx64m -XX:+PrintCommandLineFlags",
                "BEAMLINE_JVM_CACHE_DIR", dir.toString()))) {
            assertThat(p.awaitExit(EXIT)).as(p.stderr()).isZero();
            assertThat(p.stdout()).contains("-XX:+UseSerialGC", "-XX:MaxHeapSize=67108864")
                    .doesNotContain("-XX:+UseG1GC", "G1PeriodicGCInterval");
        }
    }

    @Test
    void aBrokenCacheIsIgnoredWithoutAWord() throws IOException {
        Files.writeString(dir.resolve("gateway.aot"), "not a cache");
        Files.writeString(dir.resolve("gateway.jsa"), "not a cache");
        try (LauncherProcess p = version(Map.of("BEAMLINE_JVM_CACHE_DIR", dir.toString()))) {
            assertThat(p.awaitExit(EXIT)).as(p.stderr()).isZero();
            assertThat(onlyVersion(p.stdout())).doesNotContain("\n").doesNotContain("[");
            assertThat(p.stderr()).doesNotContain("aot", "cds", "shared");
        }
    }

    @Test
    void aCacheOlderThanTheJarsIsNotUsed() throws IOException {
        Path cache = Files.writeString(dir.resolve("gateway.aot"), "made before the jars");
        Files.writeString(dir.resolve("gateway.jsa"), "made before the jars");
        FileTime old = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
        Files.setLastModifiedTime(cache, old);
        Files.setLastModifiedTime(dir.resolve("gateway.jsa"), old);
        // With its log on, a cache the JVM tries is named ("trying to map ..."); this one must not be. The
        // launcher's JDK is this one (find-jdk: JAVA_HOME first, which the build sets).
        String log = Runtime.version().feature() >= 25 ? "-Xlog:aot=info" : "-Xlog:cds=info";
        try (LauncherProcess p = version(Map.of("BEAMLINE_JVM_CACHE_DIR", dir.toString(), "JAVA_OPTS", log))) {
            assertThat(p.awaitExit(EXIT)).as(p.stderr()).isZero();
            assertThat(p.stdout()).doesNotContain(dir.toString());
        }
    }
}
