package io.beamline.ipc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.testkit.LauncherProcess;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Which settings a reload applies, as the code, --print-config and the docs say it. */
class ReloadableSettingsTest {

    @Test
    void theReloadableSettingsAreTheLimitsTimeoutsRateLimitsAllowListAndLogLevel() {
        assertThat(GatewaySettings.ALL.stream().filter(Setting::reloadable).map(Setting::key).toList())
                .containsExactly("ipc.max_connections", "ipc.allowed_uids", "ipc.max_in_flight_per_connection",
                        "ipc.max_connections_per_pid", "ipc.max_connections_per_uid", "ipc.frame_timeout_ms",
                        "ipc.idle_timeout_ms", "router.timeout_ms", "router.max_timeout_ms",
                        "admission.max_in_flight", "admission.retry_after_ms", "log.level",
                        "ratelimit.tenant.rate_per_s", "ratelimit.tenant.burst", "ratelimit.uid.rate_per_s",
                        "ratelimit.uid.burst", "ratelimit.tenant_overrides", "ratelimit.max_keys");
    }

    @Test
    void printConfigMarksEachSettingThatNeedsARestart() {
        List<String> printed = ConfigLoader.resolve(null, Map.of(), Map.of()).describe();
        assertThat(printed).filteredOn(l -> l.startsWith("ipc.socket_path ")).singleElement().asString()
                .endsWith("; env BEAMLINE_IPC_SOCKET_PATH; restart");
        assertThat(printed).filteredOn(l -> l.startsWith("nats.url ")).singleElement().asString()
                .endsWith("; restart");
        assertThat(printed).filteredOn(l -> l.startsWith("ipc.max_connections_per_pid ")).singleElement().asString()
                .endsWith("; env BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID");
        assertThat(printed).filteredOn(l -> l.endsWith("; restart"))
                .hasSize(GatewaySettings.ALL.size() - 18);
    }

    @Test
    void configurationDocListsExactlyTheReloadableSettings() throws Exception {
        String doc = Files.readString(LauncherProcess.repoRoot().resolve("docs/CONFIGURATION.md"));
        int start = doc.indexOf("**Reload (SIGHUP).**");
        assertThat(start).as("the reload paragraph").isNotNegative();
        String paragraph = doc.substring(start, doc.indexOf("**Every other setting needs a restart**", start));
        Matcher m = Pattern.compile("`([a-z_.]+)`").matcher(paragraph);
        List<String> listed = m.results().map(r -> r.group(1)).toList();
        assertThat(listed).containsExactlyElementsOf(
                GatewaySettings.ALL.stream().filter(Setting::reloadable).map(Setting::key).toList());
    }
}
