package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.GatewaySettings;
import io.beamline.ipc.gateway.config.Setting;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.LauncherProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The docs render the code's tables; this keeps the two from drifting apart. */
class DocsAgreeWithCodeTest {

    @Test
    void protocolDocListsEveryErrorCodeAndMessageType() throws Exception {
        String doc = Files.readString(LauncherProcess.repoRoot().resolve("docs/PROTOCOL.md"));
        for (ErrorCode e : ErrorCode.values()) {
            String status = e.status() + " | " + (e.retryable() ? "yes" : "no");
            assertThat(doc).as("row of %s", e).contains("| " + e.code() + " | `" + e.reason() + "` | " + status + " |");
        }
        for (MessageType t : MessageType.values()) {
            assertThat(doc).as("row of %s", t).contains("| `" + t.hex() + "` | " + t.name() + " |");
        }
    }

    @Test
    void configurationDocListsEverySettingWithItsEnvironmentNames() throws Exception {
        String doc = Files.readString(LauncherProcess.repoRoot().resolve("docs/CONFIGURATION.md"));
        for (Setting<?> s : GatewaySettings.ALL) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + s.key() + "` |")).findFirst().orElse("");
            assertThat(row).as("row of %s", s.key()).isNotEmpty().contains("`" + s.envName() + "`");
            s.legacyEnv().forEach(name -> assertThat(row).contains("`" + name + "`"));
        }
    }
}
