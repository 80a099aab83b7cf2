package io.beamline.ipc.gateway.taskflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.gateway.config.NatsConfig;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What bounds the memory of streams: how many run, and how many ended ones are kept for replay. */
class StreamRegistryTest {

    private RouterClient router;
    private StreamRegistry registry;

    @BeforeEach
    void start() {
        router = RouterClient.start(NatsConfig.of("nats://127.0.0.1:1", 1)); // notices go nowhere
        registry = new StreamRegistry(new StreamsConfig(Duration.ofMinutes(1), 4096, 2, 1024, Duration.ofHours(1), 3),
                new CancelNotices(router, RouterConfig.defaults(Duration.ofSeconds(1))));
    }

    @AfterEach
    void stop() {
        registry.close();
        router.close();
    }

    @Test
    void atMostMaxRunningStreamsRunAndAnEndedOneFreesItsPlace() {
        RoutedStream a = registry.open("a", "t", 1000).orElseThrow();
        registry.open("b", "t", 1000).orElseThrow();
        assertThat(registry.open("c", "t", 1000)).as("streams.max_running = 2").isEmpty();
        assertThat(registry.running()).isEqualTo(2);

        a.cancel("done with it");
        assertThat(registry.running()).isEqualTo(1);
        assertThat(registry.open("c", "t", 1000)).isPresent();
        assertThat(registry.find("a")).as("an ended stream is kept for replay").isPresent();
    }

    @Test
    void beyondReplayMaxEndedTheOldestEndedStreamIsForgotten() {
        for (String id : new String[] {"1", "2", "3", "4"}) {
            registry.open(id, "t", 1000).orElseThrow().abandonBeforeStart();
        }
        assertThat(registry.find("1")).as("streams.replay_max_ended = 3: the oldest went").isEmpty();
        assertThat(registry.find("2")).isPresent();
        assertThat(registry.find("4")).isPresent();
        assertThat(registry.running()).isZero();
    }
}
