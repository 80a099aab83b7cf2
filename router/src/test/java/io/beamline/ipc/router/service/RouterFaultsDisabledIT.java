package io.beamline.ipc.router.service;

import static io.beamline.ipc.router.service.FaultPolicies.TENANT;
import static io.beamline.ipc.router.service.RouterFixture.body;
import static io.beamline.ipc.router.service.RouterFixture.end;
import static io.beamline.ipc.router.service.RouterFixture.json;
import static io.beamline.ipc.router.service.RouterFixture.readUntilEnd;
import static io.beamline.ipc.router.service.RouterFixture.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.router.fault.FaultHeaders;
import io.beamline.ipc.router.stream.StreamPublisher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Without --enable-faults, fault headers and policy faults change nothing. */
class RouterFaultsDisabledIT {

    @TempDir
    static Path dir;

    private static RouterFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = RouterFixture.start(FaultPolicies.write(dir), c -> c);
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void faultHeadersAreIgnored() throws Exception {
        Headers h = new Headers().put(FaultHeaders.ERROR, "internal").put(FaultHeaders.NO_REPLY, "true")
                .put(FaultHeaders.MALFORMED, "true").put(FaultHeaders.LATE_REPLY_MS, "60000")
                .put(FaultHeaders.DELAY_MS, "not-even-a-number");
        RouterFixture.Sent sent = f.send(body("h1", TENANT, "plain"), h);
        Message reply = sent.reply(Duration.ofMillis(1200));
        assertThat(reply).as("answered without the 60 s late reply").isNotNull();
        assertThat(json(reply).at("/decision/provider_id").asText()).isEqualTo("p1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"late", "silent", "blocked", "garbled"})
    void policyFaultsAreIgnored(String policy) throws Exception {
        RouterFixture.Sent sent = f.send(body("p-" + policy, TENANT, policy), null);
        // The late policy would answer after 1.5 s: a reply within 1.2 s shows that its fault was ignored.
        Message reply = sent.reply(Duration.ofMillis(1200));
        assertThat(reply).isNotNull();
        JsonNode tree = json(reply);
        assertThat(tree.get("ok").asBoolean()).isTrue();
    }

    /** The Router's default stream: 5 chunks, then the end message (seq 6). */
    private static void assertWholeStream(Subscription sub) {
        List<Message> stream = readUntilEnd(sub);
        assertThat(seqs(stream)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(end(stream.get(5))).isEqualTo(StreamPublisher.END_COMPLETE);
    }

    @Test
    void streamFaultHeadersAreIgnored() throws Exception {
        Subscription sub = f.subscribeStream("hs1");
        Headers h = new Headers().put(FaultHeaders.STREAM_SKIP_SEQ, "2").put(FaultHeaders.STREAM_STALL_AFTER, "1")
                .put(FaultHeaders.STREAM_ERROR_AFTER, "1");
        assertThat(json(f.decide(body("hs1", TENANT, "plain", true), h)).get("ok").asBoolean()).isTrue();
        assertWholeStream(sub);
    }

    @ParameterizedTest
    @ValueSource(strings = {"breaks_stream", "skips_stream", "stalls_stream"})
    void policyStreamFaultsAreIgnored(String policy) throws Exception {
        Subscription sub = f.subscribeStream("ps-" + policy);
        assertThat(json(f.decide(body("ps-" + policy, TENANT, policy, true), null)).get("ok").asBoolean()).isTrue();
        assertWholeStream(sub);
    }
}
