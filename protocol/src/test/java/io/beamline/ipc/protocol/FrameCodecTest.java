package io.beamline.ipc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec();

    @Test
    void encodesTheV1HeaderExactly() {
        byte[] bytes = codec.encode(Frame.of(MessageType.TASK_SUBMIT, "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(bytes).containsExactly(0, 0, 0, 8, 1, 1, '{', '}');
    }

    @Test
    void roundTripsEveryType() {
        for (MessageType t : MessageType.values()) {
            Frame f = Frame.of(t, ("{\"t\":" + t.code() + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(codec.decode(ByteBuffer.wrap(codec.encode(f)))).isEqualTo(f);
        }
    }

    @Test
    void anIncompleteFrameLeavesTheBufferUntouched() {
        byte[] whole = codec.encode(Frame.of(MessageType.PING, new byte[10]));
        for (int n = 0; n < whole.length; n++) {
            ByteBuffer part = ByteBuffer.wrap(whole, 0, n);
            assertThat(codec.decode(part)).as("first %d bytes", n).isNull();
            assertThat(part.position()).isZero();
        }
    }

    @Test
    void decodesSeveralFramesFromOneBuffer() {
        ByteBuffer b = ByteBuffer.allocate(64);
        codec.encode(Frame.of(MessageType.PING), b);
        codec.encode(Frame.of(MessageType.CAPABILITIES), b);
        b.flip();
        assertThat(codec.decode(b).type()).isEqualTo(MessageType.PING);
        assertThat(codec.decode(b).type()).isEqualTo(MessageType.CAPABILITIES);
        assertThat(codec.decode(b)).isNull();
    }

    @Test
    void headerRulesGiveTheDocumentedCodes() {
        assertThatThrownBy(() -> FrameCodec.checkHeader(6, 3, Frame.MAX_FRAME_BYTES))
                .isInstanceOfSatisfying(FrameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VERSION);
                    assertThat(e.fatal()).isTrue();
                });
        assertThatThrownBy(() -> FrameCodec.checkHeader(9, 2, Frame.MAX_FRAME_BYTES))
                .as("v2's header is 10 bytes")
                .isInstanceOfSatisfying(FrameException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        assertThatThrownBy(() -> FrameCodec.checkHeader(5, 1, Frame.MAX_FRAME_BYTES))
                .isInstanceOfSatisfying(FrameException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
        assertThatThrownBy(() -> FrameCodec.checkHeader(Frame.MAX_FRAME_BYTES + 1L, 1, Frame.MAX_FRAME_BYTES))
                .isInstanceOfSatisfying(FrameException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
        FrameCodec.checkHeader(6, 1, Frame.MAX_FRAME_BYTES);
        FrameCodec.checkHeader(Frame.MAX_FRAME_BYTES, 1, Frame.MAX_FRAME_BYTES);
    }

    @Test
    void lengthIsReadUnsigned() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 1});
        assertThatThrownBy(() -> codec.decode(b)).hasMessageContaining("4294967295");
    }

    @Test
    void refusesToEncodeAFrameAboveItsMaximum() {
        FrameCodec small = new FrameCodec(1024);
        assertThatThrownBy(() -> small.encode(Frame.of(MessageType.TASK_SUBMIT, new byte[2000])))
                .isInstanceOf(FrameException.class);
    }

    @Test
    void encodesTheV2HeaderExactly() {
        // The example of docs/PROTOCOL.md: TASK_QUERY, request id 258 (0x00000102), payload {"task_id":"t1"}.
        byte[] payload = "{\"task_id\":\"t1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = codec.encode(Frame.v2(MessageType.TASK_QUERY, 258, payload));
        assertThat(bytes).startsWith(0, 0, 0, 26, 2, 2, 0, 0, 1, 2).hasSize(26);
        assertThat(codec.decode(ByteBuffer.wrap(bytes))).isEqualTo(Frame.v2(MessageType.TASK_QUERY, 258, payload));
    }

    @Test
    void aRequestIdIsUnsigned32Bits() {
        Frame f = Frame.v2(MessageType.PING, 0xFFFFFFFF, new byte[0]);
        byte[] bytes = codec.encode(f);
        assertThat(bytes).containsExactly(0, 0, 0, 10, 2, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF);
        assertThat(Integer.toUnsignedString(codec.decode(ByteBuffer.wrap(bytes)).requestId())).isEqualTo("4294967295");
    }

    @Test
    void oneStreamMixesV1AndV2FramesAndAnIncompleteV2FrameWaits() {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(codec.encode(Frame.v2(MessageType.PING, 7, new byte[0])));
        b.put(codec.encode(Frame.of(MessageType.PING)));
        byte[] partial = codec.encode(Frame.v2(MessageType.CAPABILITIES, 9, new byte[0]));
        b.put(partial, 0, 8).flip();
        assertThat(codec.decode(b)).isEqualTo(Frame.v2(MessageType.PING, 7, new byte[0]));
        assertThat(codec.decode(b)).isEqualTo(Frame.of(MessageType.PING));
        assertThat(codec.decode(b)).as("8 of 10 header bytes").isNull();
        assertThat(b.remaining()).isEqualTo(8);
    }

    @Test
    void anAnswerKeepsItsRequestsVersionAndId() {
        Frame request = Frame.v2(MessageType.TASK_SUBMIT, 42, new byte[0]);
        assertThat(request.answer(MessageType.RESPONSE_OK)).isEqualTo(Frame.v2(MessageType.RESPONSE_OK, 42, new byte[0]));
        assertThat(Frame.of(MessageType.PONG).answering(request)).isEqualTo(Frame.v2(MessageType.PONG, 42, new byte[0]));
        assertThat(Frame.of(MessageType.PONG).answering(Frame.of(MessageType.PING))).isEqualTo(Frame.of(MessageType.PONG));
    }
}
