package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency histograms and stream meters move by exactly the traffic sent, read from a real gateway's
 * /metrics (bin/ipc-gateway, the reference Router, a private nats-server); and every metric the alerting
 * rules and the dashboard in deploy/ use is in that scrape (a renamed metric breaks the build).
 *
 * <p>The traffic, over raw frames so that each request's protocol version is known:
 * <ul>
 *   <li>5 v2 submits, policy "plain" → 5 × TASK_SUBMIT v2 ok, 5 decide requests answered;</li>
 *   <li>2 v1 submits, policy "blocked" (the Router's error validator_blocked, 403) → 2 × TASK_SUBMIT v1
 *       router_error, 2 decide requests answered (an error reply is a reply);</li>
 *   <li>1 v2 submit without task_type → 1 × TASK_SUBMIT v2 invalid_payload, refused before the Router;</li>
 *   <li>1 v2 streaming submit, policy "stream3" (3 chunks of 10 bytes) → 1 more TASK_SUBMIT v2 ok, 1 more
 *       decide, 1 stream opened and completed, 3 chunks, 30 bytes;</li>
 *   <li>1 v1 PING → PING v1 ok.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

    private static final String TENANT = "metrics";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Deployment deployment;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies").resolve(TENANT));
        String providers = "\"providers\": [{\"name\": \"p\", \"weight\": 100}]";
        Files.writeString(policies.resolve("plain.json"), "{" + providers + "}");
        Files.writeString(policies.resolve("blocked.json"),
                "{" + providers + ", \"faults\": {\"error\": \"validator_blocked\"}}");
        Files.writeString(policies.resolve("stream3.json"),
                "{" + providers + ", \"stream\": {\"chunks\": 3, \"chunk_bytes\": 10, \"interval_ms\": 0}}");
        deployment = Deployment.start(dir, List.of("--enable-faults", "--policies", dir.resolve("policies").toString()),
                List.of(), Deployment.BREAKER_ASIDE);
    }

    @AfterAll
    void stop() {
        deployment.close();
    }

    @Test
    void histogramsAndStreamMetersMoveByTheTrafficSentAndTheDeployFilesNameOnlyRealMetrics() throws Exception {
        Map<String, Double> before = samples(Deployment.scrape(deployment.gateway));

        try (RawIpcConnection c = RawIpcConnection.open(deployment.socket)) {
            for (int i = 1; i <= 5; i++) {
                c.send(Frame.v2(MessageType.TASK_SUBMIT, i, submit("plain", false)));
                assertThat(c.read(WAIT).type()).as("plain submit %d", i).isEqualTo(MessageType.RESPONSE_OK);
            }
            for (int i = 1; i <= 2; i++) {
                c.send(Frame.of(MessageType.TASK_SUBMIT, submit("blocked", false)));
                Frame answer = c.read(WAIT);
                assertThat(answer.type()).isEqualTo(MessageType.RESPONSE_ERROR);
                assertThat(answer.payloadAsString()).contains("validator_blocked");
            }
            c.send(Frame.v2(MessageType.TASK_SUBMIT, 20, Json.write(Json.mapper().createObjectNode()
                    .put("tenant_id", TENANT).put("payload", "no task_type"))));
            Frame refused = c.read(WAIT);
            assertThat(refused.type()).isEqualTo(MessageType.RESPONSE_ERROR);
            assertThat(Json.parseObject(refused.payload()).path("error").path("code").asInt())
                    .as("invalid_payload: %s", refused.payloadAsString()).isEqualTo(4);

            c.send(Frame.v2(MessageType.TASK_SUBMIT, 30, submit("stream3", true)));
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.RESPONSE_OK);
            for (int chunk = 1; chunk <= 3; chunk++) {
                assertThat(c.read(WAIT).type()).as("chunk %d", chunk).isEqualTo(MessageType.STREAM_DATA);
            }
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.STREAM_COMPLETE);

            c.send(Frame.of(MessageType.PING));
            assertThat(c.read(WAIT).type()).isEqualTo(MessageType.PONG);
        }

        String submitOkV2 = "ipc_requests_seconds_count{outcome=\"ok\",protocol=\"v2\",type=\"TASK_SUBMIT\"}";
        String submitRouterErrorV1 = "ipc_requests_seconds_count{outcome=\"router_error\",protocol=\"v1\",type=\"TASK_SUBMIT\"}";
        String submitInvalidV2 = "ipc_requests_seconds_count{outcome=\"invalid_payload\",protocol=\"v2\",type=\"TASK_SUBMIT\"}";
        String pingV1 = "ipc_requests_seconds_count{outcome=\"ok\",protocol=\"v1\",type=\"PING\"}";
        String decideReplies = "router_requests_seconds_count{call=\"decide\",outcome=\"reply\"}";
        String streamsComplete = "streams_duration_seconds_count{status=\"complete\"}";
        // The Router leg is recorded as its future completes, which may be just after the client has its answer.
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Double> after = samples(Deployment.scrape(deployment.gateway));
            assertThat(rise(before, after, submitOkV2)).as(submitOkV2).isEqualTo(6.0);
            assertThat(rise(before, after, submitRouterErrorV1)).as(submitRouterErrorV1).isEqualTo(2.0);
            assertThat(rise(before, after, submitInvalidV2)).as(submitInvalidV2).isEqualTo(1.0);
            assertThat(rise(before, after, pingV1)).as(pingV1).isEqualTo(1.0);
            assertThat(rise(before, after, decideReplies)).as(decideReplies).isEqualTo(8.0);
            assertThat(rise(before, after, "streams_opened_total")).isEqualTo(1.0);
            assertThat(rise(before, after, streamsComplete)).as(streamsComplete).isEqualTo(1.0);
            assertThat(rise(before, after, "streams_chunks_total")).isEqualTo(3.0);
            assertThat(rise(before, after, "streams_bytes_total")).isEqualTo(30.0);
            assertThat(after.get("streams_running")).isEqualTo(0.0);
            for (String count : List.of(submitOkV2, submitRouterErrorV1, submitInvalidV2, pingV1, decideReplies,
                    streamsComplete)) {
                String inf = count.replace("_count{", "_bucket{le=\"+Inf\",");
                assertThat(after.get(canonical(inf))).as("%s equals %s", inf, count)
                        .isEqualTo(after.get(canonical(count)));
            }
        });

        Map<String, Double> scraped = samples(Deployment.scrape(deployment.gateway));
        Set<String> names = new TreeSet<>();
        scraped.keySet().forEach(k -> names.add(k.replaceFirst("\\{.*", "")));
        assertThat(names).as("the histograms' series").contains("ipc_requests_seconds_bucket",
                "ipc_requests_seconds_sum", "ipc_requests_seconds_max", "router_requests_seconds_bucket",
                "streams_duration_seconds_bucket");
        Map<String, Set<String>> used = new TreeMap<>();
        Stream.concat(MonitoringFiles.alertExpressions().stream().map(e -> Map.entry("alerts.yml", e)),
                        MonitoringFiles.dashboardExpressions().stream().map(e -> Map.entry("dashboard", e)))
                .forEach(e -> MonitoringFiles.metricNames(e.getValue())
                        .forEach(n -> used.computeIfAbsent(n, k -> new TreeSet<>()).add(e.getKey())));
        assertThat(used).as("metrics the deploy files use").hasSizeGreaterThan(20);
        Map<String, Set<String>> missing = new TreeMap<>(used);
        missing.keySet().removeAll(names);
        assertThat(missing).as("metrics in deploy/ that the gateway does not export (name -> file)").isEmpty();
    }

    private static byte[] submit(String policy, boolean stream) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate").put("tenant_id", TENANT)
                .put("policy_id", policy).put("stream", stream);
        p.putObject("payload").put("prompt", "Hello, world");
        return Json.write(p);
    }

    /** How much a sample rose; a series that did not exist before counts from 0. */
    private static double rise(Map<String, Double> before, Map<String, Double> after, String series) {
        String key = canonical(series);
        assertThat(after.containsKey(key)).as("series %s in /metrics", series).isTrue();
        return after.get(key) - before.getOrDefault(key, 0.0);
    }

    /** Each sample of a Prometheus text exposition, keyed by its name and its labels sorted by name. */
    static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            samples.put(canonical(m.group(1), m.group(3)), Double.parseDouble(m.group(4)));
        }
        return samples;
    }

    private static String canonical(String series) {
        Matcher m = SAMPLE.matcher(series + " 0");
        if (!m.matches()) {
            throw new IllegalArgumentException(series);
        }
        return canonical(m.group(1), m.group(3));
    }

    private static String canonical(String name, String labels) {
        if (labels == null || labels.isEmpty()) {
            return name;
        }
        Map<String, String> sorted = new TreeMap<>();
        Matcher l = LABEL.matcher(labels);
        while (l.find()) {
            sorted.put(l.group(1), l.group(2));
        }
        StringBuilder s = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> s.append(k).append("=\"").append(v).append("\","));
        s.setLength(s.length() - 1);
        return s.append('}').toString();
    }
}
