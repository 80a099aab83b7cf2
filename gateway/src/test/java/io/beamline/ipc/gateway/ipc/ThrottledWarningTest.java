package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A storm of refusals makes one WARN line per interval, and the next line counts those left out. */
class ThrottledWarningTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("test.throttled." + System.nanoTime());
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    ThrottledWarningTest() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.WARN);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void aStormMakesOneLine() {
        ThrottledWarning warning = new ThrottledWarning(logger, Duration.ofHours(1));
        for (int i = 0; i < 1_100; i++) {
            warning.warn("connection refused: process {} holds {} connections", 4711, 64);
        }
        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(lines.list.get(0).getFormattedMessage())
                .isEqualTo("connection refused: process 4711 holds 64 connections");
    }

    @Test
    void theNextLineCountsTheOnesLeftOut() {
        AtomicLong now = new AtomicLong();
        ThrottledWarning warning = new ThrottledWarning(logger, Duration.ofSeconds(10), now::get);
        warning.warn("refused {}", 1);
        now.set(Duration.ofSeconds(4).toNanos());
        warning.warn("refused {}", 2);
        warning.warn("refused {}", 3);
        now.set(Duration.ofSeconds(10).toNanos());
        warning.warn("refused {}", 4);
        warning.warn("refused {}", 5);
        now.set(Duration.ofSeconds(25).toNanos());
        warning.warn("refused {}", 6);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "refused 1",
                "refused 4 (2 more like it since the last one, not logged)",
                "refused 6 (1 more like it since the last one, not logged)");
    }
}
