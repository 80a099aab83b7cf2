package io.beamline.ipc.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

    @Test
    void idsAreVersion4UuidsAndNeverRepeatAcrossBatchesAndThreads() throws InterruptedException {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        Runnable make = () -> {
            for (int i = 0; i < 5_000; i++) { // 20 batches of 256 ids each
                String id = TaskIds.newId();
                assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
                assertThat(UUID.fromString(id).version()).isEqualTo(4);
                assertThat(UUID.fromString(id).variant()).isEqualTo(2);
                ids.add(id);
            }
        };
        Thread other = new Thread(make);
        other.start();
        make.run();
        other.join();
        assertThat(ids).hasSize(10_000);
    }
}
