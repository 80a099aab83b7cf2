package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.client.IpcErrorException;
import io.beamline.ipc.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3's last line: NATS is up but no Router listens → a retryable 503 at once, not a timeout. "At
 * once" is judged against a long deadline, so that the difference holds on a busy machine: NATS says "no
 * responders" as soon as the request reaches it, while a gateway that waited would answer at the deadline.
 */
class NoRouterIT {

    /** The gateway's cap on a client's deadline (router.max_timeout_ms, default 30 s). */
    private static final int DEADLINE_MS = 30_000;
    /** A sixth of the deadline: seconds of slack for a loaded machine, yet no answer at the deadline fits. */
    private static final long FAST_MS = DEADLINE_MS / 6;

    @TempDir
    Path dir;

    @Test
    void noRespondersIsAFastRetryable503() throws Exception {
        try (Deployment d = Deployment.start(dir, null, List.of(), Deployment.BREAKER_ASIDE);
             IpcClient client = IpcClient.connect(d.socket)) {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                ObjectNode p = Json.mapper().createObjectNode().put("task_type", "text.generate")
                        .put("deadline_ms", DEADLINE_MS);
                p.putObject("payload").put("prompt", "Hello, world");
                long started = System.nanoTime();
                ExecutionException e = catchThrowableOfType(ExecutionException.class,
                        () -> client.submit(p, Duration.ofMillis(DEADLINE_MS * 2L)).get());
                millis.add((System.nanoTime() - started) / 1_000_000);
                assertThat(e).as("submit %d must fail", i).isNotNull();
                IpcErrorException error = (IpcErrorException) e.getCause();
                assertThat(error.status()).isEqualTo(503);
                assertThat(error.reason()).isEqualTo("no_responders");
                assertThat(error.retryable()).isTrue();
            }
            System.out.printf("no_responders answered after %s ms (deadline %d ms)%n", millis, DEADLINE_MS);
            assertThat(millis).as("each well before the %d ms deadline: %s ms", DEADLINE_MS, millis)
                    .allSatisfy(ms -> assertThat(ms).isLessThan(FAST_MS));
        }
    }
}
