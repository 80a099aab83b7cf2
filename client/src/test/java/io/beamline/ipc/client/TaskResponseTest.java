package io.beamline.ipc.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.protocol.Json;
import org.junit.jupiter.api.Test;

class TaskResponseTest {

    @Test
    void readsSettledFieldsAndToleratesAbsentNullOrOddOnes() {
        TaskResponse r = new TaskResponse(Json.parseObject(
                "{\"task_id\":\"t-1\",\"trace_id\":null,\"status\":{\"nested\":true},\"decision\":null,\"extra\":1}"
                        .getBytes()));

        assertThat(r.taskId()).contains("t-1");
        assertThat(r.traceId()).isEmpty();
        assertThat(r.status()).isEmpty();
        assertThat(r.decision()).isEmpty();
        assertThat(r.body().path("extra").asInt()).isEqualTo(1);
    }
}
