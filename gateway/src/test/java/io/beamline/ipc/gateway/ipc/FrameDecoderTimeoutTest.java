package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.MessageType;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The frame clock on a channel whose time the test moves: when it runs, when it stops, when it waits. */
class FrameDecoderTimeoutTest {

    private final MemoryBudget budget = new MemoryBudget(1 << 20, 3 << 18);
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final ReadGate gate = new ReadGate(ch, 256, budget);
    private final byte[] ping = new FrameCodec().encode(Frame.of(MessageType.PING));

    FrameDecoderTimeoutTest() {
        ch.freezeTime();
        ch.pipeline().addLast(new FrameDecoder(Frame.MAX_FRAME_BYTES, Duration.ofSeconds(10), gate, () -> -1));
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    private void receive(byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private void after(Duration d) {
        ch.advanceTimeBy(d.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aPartialFrameFailsAfterTheTimeoutAndItsBytesAreReleased() {
        receive(Arrays.copyOf(ping, 3));
        assertThat(budget.total()).isEqualTo(3);
        after(Duration.ofMillis(9_999));
        assertThat((Object) ch.readInbound()).as("not yet").isNull();
        after(Duration.ofMillis(2));
        DecodeFailure failure = ch.readInbound();
        assertThat(failure.error().reason()).isEqualTo("frame_timeout");
        assertThat(failure.error().code()).isEqualTo(5);
        assertThat(failure.error().message()).contains("10000 ms", "3 bytes");
        assertThat(budget.total()).isZero();
        receive(ping);
        assertThat((Object) ch.readInbound()).as("nothing after the failure is decoded").isNull();
    }

    @Test
    void aFrameCompletedInTimeStopsTheClock() {
        receive(Arrays.copyOf(ping, 3));
        after(Duration.ofSeconds(9));
        receive(Arrays.copyOfRange(ping, 3, ping.length));
        assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.PING);
        after(Duration.ofSeconds(60));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(budget.total()).isZero();
    }

    @Test
    void theClockDoesNotRunOutWhileTheGatewayIsNotReading() {
        receive(Arrays.copyOf(ping, 3));
        ch.config().setAutoRead(false); // backpressure: the client cannot send the rest
        after(Duration.ofSeconds(25));
        assertThat((Object) ch.readInbound()).isNull();
        ch.config().setAutoRead(true);
        after(Duration.ofSeconds(10));
        assertThat(((DecodeFailure) ch.readInbound()).error().reason()).isEqualTo("frame_timeout");
    }
}
