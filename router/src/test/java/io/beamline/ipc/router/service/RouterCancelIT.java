package io.beamline.ipc.router.service;

import static io.beamline.ipc.router.service.FaultPolicies.TENANT;
import static io.beamline.ipc.router.service.RouterFixture.WAIT;
import static io.beamline.ipc.router.service.RouterFixture.body;
import static io.beamline.ipc.router.service.RouterFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.router.fault.FaultHeaders;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.service.EndpointStats;
import io.nats.service.ServiceMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * beamline.router.v1.cancel against a real nats-server: a reply still held by a delay fault is answered
 * {@code cancelled} at once (and never again), get_decision reports it, an answered request stays decided,
 * the gateway's fire-and-forget notice works, and the held replies are bounded.
 */
class RouterCancelIT {

    /** Long enough that a cancel always comes first, short enough to see that no late reply follows. */
    private static final String HOLD_MS = "1500";
    private static final Duration AFTER_HOLD = Duration.ofMillis(2500);
    private static final int MAX_HELD = 3;

    @TempDir
    static Path dir;

    private static RouterFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = RouterFixture.start(FaultPolicies.write(dir),
                c -> c.withFaults(true, Duration.ZERO).withMaxDelayedReplies(MAX_HELD));
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private static Headers held() {
        return new Headers().put(FaultHeaders.DELAY_MS, HOLD_MS).put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    private static Message call(String subject, String body) throws Exception {
        Message m = f.client.request(subject, body.getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(m).as("a reply on " + subject).isNotNull();
        return m;
    }

    @Test
    void aHeldRequestIsAnsweredCancelledAtOnceOnlyOnceAndGetDecisionReportsIt() throws Exception {
        RouterFixture.Sent sent = f.send(body("c-1", TENANT, "plain"), held());
        await().atMost(WAIT).until(() -> pendingHeld() >= 1);

        Message ack = call(LookupEndpoints.CANCEL_SUBJECT,
                "{\"request_id\":\"c-1\",\"tenant_id\":\"" + TENANT + "\",\"reason\":\"user_abort\"}");
        assertThat(json(ack)).isEqualTo(RouterFixture.JSON.readTree(
                "{\"ok\":true,\"cancelled\":true,\"context\":{\"request_id\":\"c-1\"}}"));

        Message answer = sent.reply(Duration.ofMillis(1000));
        assertThat(answer).as("answered before the delay ran out").isNotNull();
        assertThat(json(answer)).isEqualTo(RouterFixture.JSON.readTree("{\"ok\":false,\"error\":{\"code\":\"cancelled\","
                + "\"message\":\"Request cancelled\",\"details\":{\"context\":\"Cancelled before the reply was sent\","
                + "\"request_id\":\"c-1\",\"reason\":\"user_abort\"}},"
                + "\"context\":{\"request_id\":\"c-1\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}}"));
        assertThat(answer.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR)).isEqualTo("cancelled: Request cancelled");
        assertThat(answer.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("499");
        assertThat(answer.getHeaders().getFirst("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        Message lookup = call(LookupEndpoints.GET_DECISION_SUBJECT, "{\"request_id\":\"c-1\"}");
        assertThat(lookup.getData()).isEqualTo(answer.getData());
        assertThat(lookup.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("499");

        assertThat(sent.reply(AFTER_HOLD)).as("the scheduled reply was dropped").isNull();
        assertThat(json(call(LookupEndpoints.CANCEL_SUBJECT, "{\"request_id\":\"c-1\"}")).get("cancelled").asBoolean())
                .as("a second cancel finds nothing").isFalse();
    }

    @Test
    void theGatewaysFireAndForgetNoticeCancelsWithoutAReplyAndWithoutServiceErrors() throws Exception {
        RouterFixture.Sent sent = f.send(body("c-2", TENANT, "plain"), held());
        await().atMost(WAIT).until(() -> pendingHeld() >= 1);
        Subscription watch = f.client.subscribe("_INBOX.>"); // any reply the notice might provoke
        f.client.flush(WAIT);

        Headers notice = new Headers().put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736").put("version", "1")
                .put("request_id", "c-2");
        f.client.publish(LookupEndpoints.CANCEL_SUBJECT, notice, ("{\"request_id\":\"c-2\",\"trace_id\":"
                + "\"4bf92f3577b34da6a3ce929d0e0e4736\",\"reason\":\"client_cancel\"}").getBytes(StandardCharsets.UTF_8));

        Message answer = sent.reply(Duration.ofMillis(1000));
        assertThat(answer).as("answered before the delay ran out").isNotNull();
        assertThat(json(answer).at("/error/code").asText()).isEqualTo("cancelled");
        assertThat(json(answer).at("/error/details/reason").asText()).isEqualTo("client_cancel");
        assertThat(json(call(LookupEndpoints.GET_DECISION_SUBJECT, "{\"request_id\":\"c-2\"}")).at("/error/code").asText())
                .isEqualTo("cancelled");

        EndpointStats cancelStats = f.router.service().getEndpointStats("cancel");
        assertThat(cancelStats.getNumRequests()).isPositive();
        assertThat(cancelStats.getNumErrors()).as("the handler did not throw").isZero();
        assertThat(cancelStats.getLastError()).isNullOrEmpty();
        // Only the held request's own answer (and the lookup's) went to an inbox; the notice got none.
        for (Message m = watch.nextMessage(Duration.ofMillis(200)); m != null;
             m = watch.nextMessage(Duration.ofMillis(200))) {
            assertThat(json(m).has("cancelled")).as("no cancel acknowledgement: " + json(m)).isFalse();
        }
        watch.unsubscribe();
        assertThat(sent.reply(AFTER_HOLD)).as("the scheduled reply was dropped").isNull();
    }

    @Test
    void aCancelNamingAnotherTenantLeavesTheHeldReplyToBeSentAsDecided() throws Exception {
        RouterFixture.Sent sent = f.send(body("c-3", TENANT, "plain"), held());
        await().atMost(WAIT).until(() -> pendingHeld() >= 1);
        JsonNode ack = json(call(LookupEndpoints.CANCEL_SUBJECT, "{\"request_id\":\"c-3\",\"tenant_id\":\"acme\"}"));
        assertThat(ack.get("cancelled").asBoolean()).isFalse();
        Message late = sent.reply(WAIT);
        assertThat(late).isNotNull();
        assertThat(json(late).get("ok").asBoolean()).isTrue();
        assertThat(sent.millisSinceSent()).isGreaterThanOrEqualTo(Long.parseLong(HOLD_MS));
        assertThat(call(LookupEndpoints.GET_DECISION_SUBJECT, "{\"request_id\":\"c-3\"}").getData())
                .isEqualTo(late.getData());
    }

    @Test
    void beyondTheCapADelayedRequestIsAnsweredAtOnceWithInternalQueueFull() throws Exception {
        RouterFixture.Sent[] heldSent = new RouterFixture.Sent[MAX_HELD];
        for (int i = 0; i < MAX_HELD; i++) {
            heldSent[i] = f.send(body("cap-" + i, TENANT, "plain"), held());
        }
        await().atMost(WAIT).until(() -> pendingHeld() == MAX_HELD);

        Message full = f.decide(body("cap-over", TENANT, "plain"), held());
        assertThat(json(full)).isEqualTo(RouterFixture.JSON.readTree("{\"ok\":false,\"error\":{\"code\":\"internal\","
                + "\"message\":\"Routing failed\",\"details\":{\"context\":\"Fault queue full: too many delayed replies "
                + "pending\",\"fault\":\"delay\",\"max_delayed_replies\":3}},"
                + "\"context\":{\"request_id\":\"cap-over\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}}"));
        assertThat(full.getHeaders().getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE)).isEqualTo("500");
        assertThat(json(f.decide(body("cap-plain", TENANT, "plain"), null)).get("ok").asBoolean())
                .as("undelayed requests are still decided").isTrue();

        for (RouterFixture.Sent s : heldSent) {
            Message m = s.reply(WAIT);
            assertThat(m).isNotNull();
            assertThat(json(m).get("ok").asBoolean()).isTrue();
        }
        await().atMost(WAIT).until(() -> pendingHeld() == 0);
        RouterFixture.Sent again = f.send(body("cap-again", TENANT, "plain"), held());
        assertThat(again.reply(WAIT)).as("a freed slot holds again").isNotNull();
        assertThat(again.millisSinceSent()).isGreaterThanOrEqualTo(Long.parseLong(HOLD_MS));
    }

    /** Held replies count as in flight in the backpressure status: an honest view of the Router's queue. */
    private static long pendingHeld() throws Exception {
        Message status = call(BackpressureEndpoint.SUBJECT, "");
        return json(status).at("/data/metrics/inflight_messages").asLong();
    }
}
