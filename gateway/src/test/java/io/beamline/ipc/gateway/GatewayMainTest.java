package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user types it: flags, a config file, and what --print-config then shows. */
class GatewayMainTest {

    @TempDir
    Path dir;

    private String run(int expectedExit, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(GatewayMain.run(args)).isEqualTo(expectedExit);
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aConfigFileAndFlagsTogetherGiveTheEffectiveConfiguration() throws Exception {
        Path file = Files.writeString(dir.resolve("gw.yaml"), """
                ipc:
                  max_connections: 7
                  socket_path: /tmp/from-file.sock
                """);
        String printed = run(0, "--config", file.toString(), "--socket", dir.resolve("flag.sock").toString(),
                "--admin-port", "0", "--print-config");
        assertThat(printed).containsPattern("ipc\\.max_connections\\s+= 7 ")
                .containsPattern("ipc\\.socket_path\\s+= " + dir.resolve("flag.sock") + " ")
                .contains("from command line");
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        run(GatewayMain.EXIT_USAGE, "--no-such-flag");
    }
}
