package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 3's last line: NATS is up but no Router listens → a retryable 503 at once, not a timeout. */
class NoRouterIT {

    @TempDir
    Path dir;

    @Test
    void noRespondersIsAFastRetryable503() throws Exception {
        try (Deployment d = Deployment.start(dir, null, List.of(), Deployment.BREAKER_ASIDE);
             IpcClient client = IpcClient.connect(d.socket)) {
            client.ping().get(); // warm the connection, not the answer being measured
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate");
                p.putObject("payload").put("prompt", "Hello, world");
                long started = System.nanoTime();
                ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> client.submit(p).get());
                millis.add((System.nanoTime() - started) / 1_000_000);
                IpcErrorException error = (IpcErrorException) e.getCause();
                assertThat(error.status()).isEqualTo(503);
                assertThat(error.reason()).isEqualTo("no_responders");
                assertThat(error.retryable()).isTrue();
            }
            Collections.sort(millis);
            assertThat(millis.get(millis.size() / 2)).as("median of %s ms", millis).isLessThan(50);
            assertThat(millis).as("never the 5 s deadline").allSatisfy(ms -> assertThat(ms).isLessThan(2_000));
        }
    }
}
