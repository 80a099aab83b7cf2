package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.MessageType;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A TASK_SUBMIT larger than the NATS server's max_payload is refused at its header, before its body is held. */
class FrameDecoderNatsLimitTest {

    private final AtomicLong natsMaxPayload = new AtomicLong(1000);
    private final MemoryBudget budget = new MemoryBudget(1 << 20, 3 << 18);
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final FrameCodec codec = new FrameCodec();

    FrameDecoderNatsLimitTest() {
        ch.pipeline().addLast(new FrameDecoder(Frame.MAX_FRAME_BYTES, Duration.ofSeconds(10),
                new ReadGate(ch, 256, budget), natsMaxPayload::get));
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    private byte[] frame(MessageType type, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) ' ');
        payload[0] = '{';
        payload[payloadBytes - 1] = '}';
        return codec.encode(Frame.of(type, payload));
    }

    private void receive(byte[] bytes, int from, int to) {
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
    }

    @Test
    void aSubmitOverTheLimitIsRefusedWhenItsHeaderArrives() {
        byte[] submit = frame(MessageType.TASK_SUBMIT, 1001);
        receive(submit, 0, 100);
        DecodeFailure failure = ch.readInbound();
        assertThat(failure.error().code()).isEqualTo(3);
        assertThat(failure.error().reason()).isEqualTo("submit_exceeds_nats_max_payload");
        assertThat(failure.error().message()).contains("1001 bytes", "max_payload is 1000 bytes");
        assertThat(budget.total()).as("nothing of it held").isZero();
        receive(submit, 100, submit.length);
        assertThat((Object) ch.readInbound()).as("the rest is discarded").isNull();
        assertThat(budget.total()).isZero();
    }

    @Test
    void aSubmitAtTheLimitIsDecoded() {
        byte[] submit = frame(MessageType.TASK_SUBMIT, 1000);
        receive(submit, 0, 100);
        assertThat((Object) ch.readInbound()).isNull();
        receive(submit, 100, submit.length);
        Frame decoded = ch.readInbound();
        assertThat(decoded.type()).isEqualTo(MessageType.TASK_SUBMIT);
        assertThat(new String(decoded.payload(), StandardCharsets.UTF_8)).hasSize(1000);
    }

    @Test
    void otherTypesAndAnUnknownLimitAreNotChecked() {
        byte[] query = frame(MessageType.TASK_QUERY, 5000);
        receive(query, 0, 100);
        receive(query, 100, query.length);
        assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.TASK_QUERY);

        natsMaxPayload.set(-1); // not connected yet
        byte[] submit = frame(MessageType.TASK_SUBMIT, 5000);
        receive(submit, 0, 100);
        receive(submit, 100, submit.length);
        assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.TASK_SUBMIT);
    }
}
