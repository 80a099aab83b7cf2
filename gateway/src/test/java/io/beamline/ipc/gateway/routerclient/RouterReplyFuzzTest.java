package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.testkit.Allocations;

/**
 * A Router reply of any bytes ({@link RouterReply#parse}): never throws, whatever the bytes; a decision is one
 * JSON object the gateway can read back (it is sent to the client as is); a rejection has a non-empty Router
 * code; and parsing allocates in proportion to the reply (a tree only for replies that are no plain decision).
 * Seeds: {@code RouterReplyFuzzTestInputs/parses/}.
 */
class RouterReplyFuzzTest {

    @FuzzTest
    void parses(byte[] reply) {
        switch (RouterReply.parse(reply)) {
            case RouterReply.Decision d -> assertThat(Json.parseObject(d.decision())).isNotNull();
            case RouterReply.Rejected r -> assertThat(r.error().code()).isNotEmpty();
            case RouterReply.Malformed m -> assertThat(m.why()).isNotBlank();
        }
        long allocated = Allocations.ofSecondRun(() -> RouterReply.parse(reply));
        assertThat(allocated).as("bytes allocated parsing %d bytes", reply.length)
                .isLessThan(64L * reply.length + 65_536 + Allocations.fuzzerOverhead());
    }
}
