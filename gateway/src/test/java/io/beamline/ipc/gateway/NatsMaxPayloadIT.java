package io.beamline.ipc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.client.TaskResponse;
import io.beamline.ipc.gateway.config.ConfigLoader;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.NatsServerProcess;
import io.nats.client.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private nats-server whose max_payload is 4096 bytes: CAPABILITIES states it, and a submit whose
 * DecideRequest would be larger is refused before anything is published (the server would otherwise close the
 * gateway's connection for a payload violation, or jnats refuse it after the task was registered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatsMaxPayloadIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private NatsServerProcess nats;
    private Gateway gateway;
    private ScriptedRouter router;
    private IpcClient client;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        nats = NatsServerProcess.startWithConfig("max_payload: 4096\n");
        router = new ScriptedRouter(nats.url());
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "ipc.socket_path", dir.resolve("gw.sock").toString(), "admin.port", "0",
                "nats.url", nats.url())));
        await().atMost(WAIT).until(() -> gateway.router().pool().connected() == 1);
        client = IpcClient.connect(gateway.socketPath());
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        gateway.close();
        router.close();
        nats.close();
    }

    @Test
    void capabilitiesStateTheNatsServersMaxPayload() throws Exception {
        assertThat(client.capabilities().get(10, TimeUnit.SECONDS).natsMaxPayload()).isEqualTo(4096L);
    }

    @Test
    void aSubmitWhosePayloadFitsButWhoseDecideRequestDoesNotIsRefusedAndNothingIsPublished() throws Exception {
        // 4,000 bytes of submit: under the 4,096 of max_payload, but its DecideRequest and headers are not.
        String big = "{\"task_type\":\"text.generate\",\"task_id\":\"too-big-1\",\"payload\":{\"prompt\":\""
                + "x".repeat(3925) + "\"}}";
        assertThat(big).hasSize(4000);
        IpcErrorException refused = RouterPathIT.errorOf(client.submit(Json.parseObject(big.getBytes())));

        assertThat(refused).satisfies(e -> {
            assertThat(e.error().code()).isEqualTo(4);
            assertThat(e.error().status()).isEqualTo(413);
            assertThat(e.error().reason()).isEqualTo("exceeds_nats_max_payload");
            assertThat(e.error().retryable()).isFalse();
            assertThat(e.error().message()).matches("the request to the Router would be 4\\d{3} bytes \\(with its "
                    + "NATS headers\\), more than the NATS server's max_payload of 4096 bytes");
            assertThat(e.taskId()).contains("too-big-1");
        });
        assertNothingWasPublishedAndTheConnectionServes("too-big-1", "small-1");
    }

    @Test
    void aSubmitWhosePayloadAloneIsOverTheLimitIsRefusedByItsHeader() throws Exception {
        String big = "{\"task_type\":\"text.generate\",\"task_id\":\"too-big-2\",\"payload\":{\"prompt\":\""
                + "x".repeat(8192) + "\"}}";
        IpcErrorException refused = RouterPathIT.errorOf(client.submit(Json.parseObject(big.getBytes())));

        assertThat(refused).satisfies(e -> {
            assertThat(e.error().code()).isEqualTo(4);
            assertThat(e.error().status()).isEqualTo(413);
            assertThat(e.error().reason()).isEqualTo("exceeds_nats_max_payload");
            assertThat(e.error().message()).isEqualTo("the submit's payload is " + big.length()
                    + " bytes, more than the NATS server's max_payload of 4096 bytes");
            assertThat(e.taskId()).as("its body was never read").isEmpty();
        });
        assertNothingWasPublishedAndTheConnectionServes("too-big-2", "small-2");
    }

    private void assertNothingWasPublishedAndTheConnectionServes(String refusedId, String nextId) throws Exception {
        // The next submit is the first the Router sees: the refused one was never published.
        TaskResponse small = client.submit(Json.parseObject(
                ("{\"task_type\":\"text.generate\",\"task_id\":\"" + nextId
                        + "\",\"payload\":{\"prompt\":\"Hello, world\"}}").getBytes())).get(10, TimeUnit.SECONDS);
        assertThat(small.decision()).isPresent();
        Message first = router.decideRequests.poll(10, TimeUnit.SECONDS);
        assertThat(Json.parseObject(first.getData()).path("request_id").asText()).isEqualTo(nextId);
        assertThat(gateway.router().pool().connected()).as("the gateway's NATS connection is still up").isEqualTo(1);
        // Refused before it was registered: its task id was never taken.
        assertThat(RouterPathIT.errorOf(client.query(refusedId)).error().code()).isEqualTo(11);
    }
}
