package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.LauncherProcess;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Scenarios 1 and 4 of the bridge issue: what goes on the wire, and 10,000 decisions through the gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskPathIT {

    private static final String DECIDE = "beamline.router.v1.decide";

    private Path dir;
    private Deployment deployment;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path policies = Files.createDirectories(dir.resolve("policies/acme"));
        Files.writeString(policies.resolve("default.json"), """
                {"providers": [{"name": "acme_llm", "weight": 100}]}
                """);
        deployment = Deployment.start(dir, List.of("--policies", dir.resolve("policies").toString()), List.of());
    }

    @AfterAll
    void stop() {
        deployment.close();
    }

    private static ObjectNode submit(String taskType, String tenant, String traceparent) {
        ObjectNode p = Json.mapper().createObjectNode().put("task_type", taskType);
        p.putObject("payload").put("prompt", "Hello, world");
        if (tenant != null) {
            p.put("tenant_id", tenant);
        }
        if (traceparent != null) {
            p.put("traceparent", traceparent);
        }
        return p;
    }

    @Test
    void theCliGetsARealDecisionFromTheRouter() {
        try (LauncherProcess p = deployment.cli(dir, "submit", "--type", "code_completion",
                "--payload", "{\"file\":\"a.py\",\"line\":3}")) {
            assertThat(p.awaitExit(Deployment.START)).as(p.stderr()).isZero();
            assertThat(p.stdout()).contains("OK task_id=", "provider");
        }
    }

    @Test
    void subjectHeadersAndTraceAreCarriedFromClientToRouterAndBack() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        try (Connection spy = Nats.connect(deployment.nats.url());
             IpcClient client = IpcClient.connect(deployment.socket)) {
            Subscription sub = spy.subscribe(DECIDE); // not in the queue group: sees every request
            spy.flush(Duration.ofSeconds(5));

            TaskResponse answer = client.submit(submit("text.generate", null,
                    "00-" + traceId + "-" + clientSpan + "-01")).get();
            Message seen = sub.nextMessage(Duration.ofSeconds(10));

            assertThat(seen).isNotNull();
            assertThat(seen.getSubject()).isEqualTo(DECIDE);
            assertThat(seen.getReplyTo()).startsWith("_INBOX.");
            String taskId = answer.taskId().orElseThrow();
            assertThat(seen.getHeaders().getFirst("trace_id")).isEqualTo(traceId);
            assertThat(seen.getHeaders().getFirst("tenant_id")).isEqualTo("default_tenant");
            assertThat(seen.getHeaders().getFirst("version")).isEqualTo("1");
            assertThat(seen.getHeaders().getFirst("request_id")).isEqualTo(taskId);
            String traceparent = seen.getHeaders().getFirst("traceparent");
            assertThat(traceparent).matches("00-" + traceId + "-[0-9a-f]{16}-01")
                    .as("a new span, child of the client's").doesNotContain(clientSpan);

            JsonNode body = Json.parseObject(seen.getData());
            assertThat(body.path("version").asText()).isEqualTo("1");
            assertThat(body.path("request_id").asText()).isEqualTo(taskId);
            assertThat(body.path("trace_id").asText()).isEqualTo(traceId);
            assertThat(body.path("task").path("type").asText()).isEqualTo("text.generate");

            assertThat(answer.traceId()).contains(traceId);
            assertThat(answer.decision().orElseThrow().path("provider_id").asText()).isIn("openai", "anthropic");
        }
    }

    @Test
    void twoTenantsNeverSeeEachOthersData() throws Exception {
        Map<String, String> headerTenantByRequest = new ConcurrentHashMap<>();
        Map<String, String> bodyTenantByRequest = new ConcurrentHashMap<>();
        try (Connection spy = Nats.connect(deployment.nats.url());
             IpcClient client = IpcClient.connect(deployment.socket)) {
            spy.createDispatcher(m -> {
                JsonNode body = Json.parseObject(m.getData());
                headerTenantByRequest.put(body.path("request_id").asText(), m.getHeaders().getFirst("tenant_id"));
                bodyTenantByRequest.put(body.path("request_id").asText(), body.path("tenant_id").asText());
            }).subscribe(DECIDE);
            spy.flush(Duration.ofSeconds(5));

            List<CompletableFuture<TaskResponse>> acme = new ArrayList<>();
            List<CompletableFuture<TaskResponse>> other = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                acme.add(client.submit(submit("t", "acme", null)));
                other.add(client.submit(submit("t", "default_tenant", null)));
            }
            for (CompletableFuture<TaskResponse> f : acme) {
                JsonNode d = f.get().decision().orElseThrow();
                assertThat(d.path("provider_id").asText()).isEqualTo("acme_llm");
                assertThat(d.path("metadata").path("tenant_id").asText()).isEqualTo("acme");
            }
            for (CompletableFuture<TaskResponse> f : other) {
                JsonNode d = f.get().decision().orElseThrow();
                assertThat(d.path("provider_id").asText()).isNotEqualTo("acme_llm");
                assertThat(d.path("metadata").path("tenant_id").asText()).isEqualTo("default_tenant");
            }
            await().until(() -> headerTenantByRequest.size() >= 100);
            assertThat(headerTenantByRequest).isEqualTo(bodyTenantByRequest);
            assertThat(headerTenantByRequest.values()).containsOnly("acme", "default_tenant");
        }
    }

    @Test
    void tenThousandRequestsOverSixteenConnectionsAllGetDecisionsWithTheWeightsOfThePolicy() throws Exception {
        int connections = 16;
        int perConnection = 625;
        AtomicInteger openai = new AtomicInteger();
        AtomicInteger anthropic = new AtomicInteger();
        List<IpcClient> clients = new ArrayList<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                clients.add(IpcClient.connect(deployment.socket));
            }
            Semaphore window = new Semaphore(256); // bounded load: 256 in flight across all connections
            for (int i = 0; i < perConnection; i++) {
                for (IpcClient client : clients) {
                    window.acquire();
                    all.add(client.submit(submit("text.generate", null, null)).whenComplete((r, e) -> {
                        window.release();
                        if (r != null) {
                            String provider = r.decision().orElseThrow().path("provider_id").asText();
                            (provider.equals("openai") ? openai : anthropic).incrementAndGet();
                        }
                    }));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        } finally {
            clients.forEach(IpcClient::close);
        }
        assertThat(openai.get() + anthropic.get()).isEqualTo(10_000);
        assertThat(openai.get()).as("70 %% ± 3 %% of 10,000").isBetween(6_700, 7_300);
    }
}
