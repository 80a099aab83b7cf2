package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus/alerts.yml is valid (promtool check rules) and each alert fires on the synthetic series of
 * alerts_test.yml and stays silent on the healthy ones (promtool test rules); the dashboard's PromQL parses.
 * promtool is Debian's {@code prometheus} package; without it these tests fail and say so.
 */
class AlertRulesTest {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private record Run(int exit, String output) {
    }

    private static Run promtool(String... args) throws IOException, InterruptedException {
        String tool = Files.isExecutable(PROMTOOL) ? PROMTOOL.toString() : "promtool";
        List<String> command = new ArrayList<>(List.of(tool));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notThere) {
            throw new AssertionError("promtool is missing: install Debian's prometheus package "
                    + "(apt-get install prometheus); .ci/run does it", notThere);
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void alertingRulesAreValid() throws Exception {
        Run r = promtool("check", "rules", MonitoringFiles.ALERTS.toString());
        assertThat(r.exit()).as("promtool check rules:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 4 rules found");
    }

    @Test
    void eachAlertFiresOnAFailingGatewayAndNotOnAHealthyOne() throws Exception {
        Run r = promtool("test", "rules", MonitoringFiles.ALERTS_TEST.toString());
        assertThat(r.exit()).as("promtool test rules:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    /** Each panel's query, as Prometheus gets it from Grafana, checked as a recording rule by promtool. */
    @Test
    void everyDashboardQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        List<String> exprs = MonitoringFiles.dashboardExpressions().stream()
                .filter(e -> !e.startsWith("label_values(")).map(MonitoringFiles::asPrometheusGetsIt).toList();
        assertThat(exprs).as("panel queries").hasSizeGreaterThan(20);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            rules.append("      - record: dashboard:panel_").append(i).append('\n')
                    .append("        expr: '").append(exprs.get(i).replace("'", "''")).append("'\n");
        }
        Path file = Files.writeString(dir.resolve("dashboard-rules.yml"), rules);
        Run r = promtool("check", "rules", file.toString());
        assertThat(r.exit()).as("promtool check rules of the dashboard's queries:\n%s\n%s", r.output(), rules).isZero();
        assertThat(r.output()).contains("SUCCESS: " + exprs.size() + " rules found");
    }
}
