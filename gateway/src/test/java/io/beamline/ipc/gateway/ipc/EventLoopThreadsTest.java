package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.MessageType;
import io.beamline.ipc.testkit.RawIpcConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ipc.io_threads = 0} means one event loop per core (Netty's own default would be two per core). */
class EventLoopThreadsTest {

    @TempDir
    Path dir;

    private static final Pattern IO_THREAD = Pattern.compile("ipc-io-(\\d+)-\\d+");

    /** Threads of the newest "ipc-io" group (named ipc-io-POOL-N): another test's may still be stopping. */
    private static long ioThreadsOfNewestServer() {
        Map<Integer, Long> byPool = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(t -> IO_THREAD.matcher(t.getName())).filter(Matcher::matches)
                .collect(Collectors.groupingBy(m -> Integer.parseInt(m.group(1)), Collectors.counting()));
        return byPool.isEmpty() ? 0 : byPool.get(Collections.max(byPool.keySet()));
    }

    @Test
    void zeroMeansOnePerCore() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        IpcConfig config = new IpcConfig(dir.resolve("gw.sock"), 64, Frame.MAX_FRAME_BYTES,
                TestServers.SELF_AND_ROOT, 0);
        try (IpcServer server = TestServers.start(config)) {
            // Netty starts a loop's thread with its first channel; connections are spread round-robin, so
            // 4 x cores connections would start every thread of a group twice as large.
            List<RawIpcConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4 * cores; i++) {
                    RawIpcConnection c = RawIpcConnection.open(config.socketPath());
                    open.add(c);
                    c.send(Frame.of(MessageType.PING));
                    assertThat(c.read(Duration.ofSeconds(10)).type()).isEqualTo(MessageType.PONG);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 4 * cores);
                assertThat(ioThreadsOfNewestServer()).isEqualTo(cores);
            } finally {
                open.forEach(RawIpcConnection::close);
            }
        }
    }
}
