package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.GatewaySettings;
import io.beamline.ipc.gateway.config.Setting;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.LauncherProcess;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The doc words the allowed column its own way, but its ranges and URL schemes are the code's. */
    @Test
    void configurationDocStatesTheRangesAndSchemesTheCodeAllows() throws Exception {
        String doc = Files.readString(LauncherProcess.repoRoot().resolve("docs/CONFIGURATION.md"));
        for (Setting<?> s : GatewaySettings.ALL) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + s.key() + "` |")).findFirst().orElse("");
            String[] cells = row.split("\\|");
            assertThat(cells).as("row of %s", s.key()).hasSizeGreaterThan(3);
            String allowed = cells[3];
            Matcher m = RANGE_OR_SCHEME.matcher(s.allowed());
            while (m.find()) {
                assertThat(allowed).as("allowed column of %s, which in code is \"%s\"", s.key(), s.allowed())
                        .contains(m.group());
            }
        }
    }

    @Test
    void configurationDocListsTheSettingsInTheOrderOfPrintConfig() throws Exception {
        String doc = Files.readString(LauncherProcess.repoRoot().resolve("docs/CONFIGURATION.md"));
        List<String> rows = doc.lines().filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(rows).containsExactlyElementsOf(GatewaySettings.ALL.stream().map(Setting::key).toList());
    }

    /** "100..300000", "nats://" */
    private static final Pattern RANGE_OR_SCHEME = Pattern.compile("-?\\d+\\.\\.-?\\d+|\\w+://");
}
