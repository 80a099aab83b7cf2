package io.beamline.ipc.gateway.routerclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.impl.Headers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The size checked against NATS' max_payload is the size jnats sends: its own headers' length, plus the body. */
class WireSizeTest {

    @Test
    void headersAndBodyCountAsJnatsWritesThem() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("version", "1");
        values.put("request_id", "req-0001");
        values.put("tenant_id", "acme");
        values.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        values.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Headers jnats = new Headers();
        values.forEach(jnats::put);

        assertThat(RouterClient.wireSize(values, new byte[100])).isEqualTo(jnats.serializedLength() + 100L);
        assertThat(RouterClient.wireSize(Map.of("a", "b"), new byte[0])).isEqualTo(17);
        assertThat(RouterClient.wireSize(Map.of(), new byte[7])).isEqualTo(7);
    }
}
