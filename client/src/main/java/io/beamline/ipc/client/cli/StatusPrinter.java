package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code /status} document for a person: one section per part (gateway, connections, NATS, breaker,
 * backpressure, limits, and the settings not at their default), each line a label and its value, aligned. A
 * field the gateway did not send shows as {@code -}, so an older or newer gateway's document still prints.
 */
final class StatusPrinter {

    private static final int LABEL_WIDTH = 18;

    private final PrintWriter out;

    StatusPrinter(PrintWriter out) {
        this.out = out;
    }

    void print(JsonNode s) {
        section("gateway");
        line("version", text(s, "version"));
        line("pid", text(s, "pid"));
        line("started at", text(s, "started_at") + " (up " + uptime(s.path("uptime_ms")) + ")");
        line("socket", text(s, "socket_path"));
        line("admin", text(s, "admin_url"));
        line("draining", yesNo(s.path("draining")));

        JsonNode c = s.path("connections");
        JsonNode r = s.path("requests");
        section("connections");
        line("open", text(c, "open") + " of " + text(c, "max"));
        line("per process max", text(c, "max_per_pid") + " (" + text(c, "peer_processes") + " processes connected)");
        line("per uid max", text(c, "max_per_uid") + " (" + byUid(c.path("by_uid")) + ")");
        line("buffered bytes", text(c, "buffered_bytes") + " of " + text(c, "max_buffered_bytes"));
        line("unanswered", text(r, "unanswered") + " requests (" + text(r, "router_pending")
                + " waiting on the Router, " + text(r, "late_replies") + " late replies dropped)");

        JsonNode n = s.path("nats");
        section("NATS");
        line("servers", join(n.path("servers")));
        line("connected", text(n, "connected") + " of " + text(n, "pool_size"));
        for (JsonNode m : n.path("members")) {
            String server = m.path("connected_server").isTextual() ? " " + m.path("connected_server").asText() : "";
            String failure = m.path("last_failure").isTextual() ? "; last failure: " + m.path("last_failure").asText() : "";
            line("connection " + text(m, "index"), text(m, "state") + server + " (reconnects " + text(m, "reconnects")
                    + ", max payload " + text(m, "max_payload") + failure + ")");
        }
        line("last failure", text(n, "last_failure"));

        JsonNode b = s.path("breaker");
        section("breaker");
        line("state", text(b, "state"));
        line("failure rate", b.path("failure_rate_percent").isNumber()
                ? String.format(Locale.ROOT, "%.1f %%", b.path("failure_rate_percent").asDouble())
                : "- (fewer calls than the minimum)");
        line("opened", text(b, "opened") + " times; " + text(b, "refused") + " submits refused");

        JsonNode p = s.path("backpressure");
        section("backpressure");
        line("status", text(p, "status") + (p.path("enabled").asBoolean(true) ? " (polled every "
                + text(p, "poll_interval_ms") + " ms)" : " (polling off)"));
        line("retry after", text(p, "retry_after_ms") + " ms");
        line("refused", text(p, "refused") + " submits");

        JsonNode a = s.path("admission");
        JsonNode st = s.path("streams");
        JsonNode rl = s.path("rate_limits");
        section("limits");
        line("in flight", text(a, "in_flight") + " of " + text(a, "max_in_flight") + " (" + text(a, "refused")
                + " refused)");
        line("streams", text(st, "active") + " running of " + text(st, "max_running"));
        line("rate per tenant", rate(rl.path("tenant")));
        line("rate per uid", rate(rl.path("uid")));
        line("fleet per tenant", rate(rl.path("fleet_tenant"))
                + (rl.path("redis_url").isTextual() ? " (Redis " + rl.path("redis_url").asText() + ", "
                + text(rl, "on_redis_failure") + ")" : ""));
        line("tenant overrides", overrides(rl.path("tenant_overrides")));
        line("rate refused", pairs(rl.path("refused")));

        List<String> changed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String source = e.getValue().path("source").asText("default");
            if (!"default".equals(source)) {
                changed.add(e.getKey() + " = " + e.getValue().path("value").asText() + "  (" + source + ")");
            }
        }
        section("settings not at their default");
        if (changed.isEmpty()) {
            out.println("  none");
        }
        changed.forEach(line -> out.println("  " + line));
    }

    private void section(String name) {
        out.println(name);
    }

    private void line(String label, String value) {
        out.println("  " + String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s", label) + value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }

    private static String yesNo(JsonNode v) {
        return v.isBoolean() ? (v.asBoolean() ? "yes" : "no") : "-";
    }

    /** {@code 1h 02m 03s}. */
    static String uptime(JsonNode ms) {
        if (!ms.canConvertToLong()) {
            return "-";
        }
        long seconds = ms.asLong() / 1000;
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, sec)
                : m > 0 ? String.format(Locale.ROOT, "%dm %02ds", m, sec) : sec + "s";
    }

    private static String rate(JsonNode rate) {
        if (!rate.isObject()) {
            return "-";
        }
        long perSecond = rate.path("per_second").asLong();
        return perSecond <= 0 ? "unlimited" : perSecond + "/s, burst " + rate.path("burst").asLong();
    }

    private static String overrides(JsonNode overrides) {
        List<String> parts = new ArrayList<>();
        overrides.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + rate(e.getValue())));
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static String byUid(JsonNode byUid) {
        List<String> parts = new ArrayList<>();
        byUid.fields().forEachRemaining(e -> parts.add("uid " + e.getKey() + ": " + e.getValue().asText()));
        return parts.isEmpty() ? "no connections" : String.join(", ", parts);
    }

    private static String pairs(JsonNode counts) {
        List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText()));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static String join(JsonNode list) {
        List<String> parts = new ArrayList<>();
        list.forEach(v -> parts.add(v.asText()));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
}
