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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A TASK_SUBMIT whose payload is larger than the NATS server's max_payload is refused by its header, its body
 * skipped as it comes and never held; the frames after it are decoded as usual.
 */
class FrameDecoderNatsLimitTest {

    private final AtomicLong natsMaxPayload = new AtomicLong(1000);
    private final MemoryBudget budget = new MemoryBudget(1 << 20, 3 << 18);
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final FrameCodec codec = new FrameCodec();
    private final byte[] ping = codec.encode(Frame.of(MessageType.PING));

    FrameDecoderNatsLimitTest() {
        ch.freezeTime();
        ch.pipeline().addLast(new FrameDecoder(Frame.MAX_FRAME_BYTES, Duration.ofSeconds(10),
                new ReadGate(ch, 256, budget), natsMaxPayload::get));
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    private static byte[] payload(int bytes) {
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) ' ');
        payload[0] = '{';
        payload[bytes - 1] = '}';
        return payload;
    }

    private void receive(byte[] bytes, int from, int to) {
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
    }

    @Test
    void aSubmitOverTheLimitIsRefusedByItsHeaderAndItsBodySkipped() {
        byte[] submit = codec.encode(Frame.v2(MessageType.TASK_SUBMIT, 77, payload(1001)));
        receive(submit, 0, 100);
        RefusedFrame refused = ch.readInbound();
        assertThat(refused.request().version()).isEqualTo(2);
        assertThat(refused.request().requestId()).isEqualTo(77);
        assertThat(refused.error().code()).isEqualTo(4);
        assertThat(refused.error().status()).isEqualTo(413);
        assertThat(refused.error().reason()).isEqualTo("exceeds_nats_max_payload");
        assertThat(refused.error().message())
                .isEqualTo("the submit's payload is 1001 bytes, more than the NATS server's max_payload of 1000 bytes");
        assertThat(budget.total()).as("nothing of it held").isZero();

        byte[] rest = Arrays.copyOfRange(submit, 100, submit.length);
        byte[] restAndPing = Arrays.copyOf(rest, rest.length + ping.length);
        System.arraycopy(ping, 0, restAndPing, rest.length, ping.length);
        receive(restAndPing, 0, restAndPing.length);
        assertThat(((Frame) ch.readInbound()).type()).as("the frame after it").isEqualTo(MessageType.PING);
        assertThat(budget.total()).isZero();
    }

    @Test
    void aWholeSubmitOverTheLimitIsRefusedAlike() {
        byte[] submit = codec.encode(Frame.of(MessageType.TASK_SUBMIT, payload(1001)));
        receive(submit, 0, submit.length);
        RefusedFrame refused = ch.readInbound();
        assertThat(refused.request().version()).isEqualTo(1);
        assertThat(refused.error().reason()).isEqualTo("exceeds_nats_max_payload");
        receive(ping, 0, ping.length);
        assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.PING);
    }

    @Test
    void aSubmitAtTheLimitIsDecoded() {
        byte[] submit = codec.encode(Frame.of(MessageType.TASK_SUBMIT, payload(1000)));
        receive(submit, 0, 100);
        assertThat((Object) ch.readInbound()).isNull();
        receive(submit, 100, submit.length);
        Frame decoded = ch.readInbound();
        assertThat(decoded.type()).isEqualTo(MessageType.TASK_SUBMIT);
        assertThat(decoded.payload()).hasSize(1000);
    }

    @Test
    void otherTypesAndAnUnknownLimitAreNotChecked() {
        byte[] query = codec.encode(Frame.of(MessageType.TASK_QUERY, payload(5000)));
        receive(query, 0, query.length);
        assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.TASK_QUERY);

        natsMaxPayload.set(-1); // not connected yet
        byte[] submit = codec.encode(Frame.of(MessageType.TASK_SUBMIT, payload(5000)));
        receive(submit, 0, submit.length);
        assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.TASK_SUBMIT);
    }

    @Test
    void aRefusedBodyThatStopsComingTimesOut() {
        byte[] submit = codec.encode(Frame.of(MessageType.TASK_SUBMIT, payload(5000)));
        receive(submit, 0, 100);
        assertThat((Object) ch.readInbound()).isInstanceOf(RefusedFrame.class);
        ch.advanceTimeBy(10_001, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(((DecodeFailure) ch.readInbound()).error().reason()).isEqualTo("frame_timeout");
    }
}
