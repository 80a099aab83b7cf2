package io.beamline.ipc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's files in deploy/: the Prometheus alerting rules and the Grafana dashboard, and the PromQL
 * expressions and metric names they use (so that a test can hold them against a real gateway's /metrics).
 */
final class MonitoringFiles {

    static final Path ALERTS = LauncherProcess.repoRoot().resolve("deploy/prometheus/alerts.yml");
    static final Path ALERTS_TEST = LauncherProcess.repoRoot().resolve("deploy/prometheus/alerts_test.yml");
    static final Path DASHBOARD = LauncherProcess.repoRoot().resolve("deploy/grafana/beamline-gateway.json");

    private static final Pattern EXPR_LINE = Pattern.compile("^(\\s*)-?\\s*expr:\\s*(.*)$");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]*\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    private MonitoringFiles() {
    }

    /** The {@code expr} of every rule in alerts.yml (plain and block scalars). */
    static List<String> alertExpressions() throws IOException {
        List<String> lines = Files.readAllLines(ALERTS);
        List<String> exprs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPR_LINE.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            String value = m.group(2).trim();
            if (!value.startsWith("|") && !value.startsWith(">")) {
                exprs.add(value);
                continue;
            }
            int indent = m.group(1).length();
            StringBuilder block = new StringBuilder();
            while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
                    || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
                block.append(lines.get(++i).trim()).append('\n');
            }
            exprs.add(block.toString().trim());
        }
        return exprs;
    }

    /** Every {@code expr} of the dashboard's panels, and the template variables' queries. */
    static List<String> dashboardExpressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        collect(Json.mapper().readTree(DASHBOARD.toFile()), exprs);
        return exprs;
    }

    private static void collect(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if ((f.getKey().equals("expr") || f.getKey().equals("definition")) && f.getValue().isTextual()) {
                    into.add(f.getValue().asText());
                } else {
                    collect(f.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, into));
        }
    }

    /** A dashboard expression with Grafana's variables replaced, as Prometheus would get it. */
    static String asPrometheusGetsIt(String dashboardExpr) {
        return dashboardExpr.replace("$__rate_interval", "5m").replace("$instance", ".*");
    }

    /**
     * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges, grouping
     * clauses, function names, keywords and numbers are taken out.
     */
    static Set<String> metricNames(String expr) {
        // Grafana's label_values(metric, label): the label is no metric
        String s = expr.replaceAll("label_values\\(([^,()]+),[^)]*\\)", "$1");
        s = STRING.matcher(s).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^\\]]*\\]", " ");
        s = GROUPING.matcher(s).replaceAll(" ");
        s = s.replaceAll("\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group());
            }
        }
        return names;
    }
}
