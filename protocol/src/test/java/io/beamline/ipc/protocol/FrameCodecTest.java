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
        assertThatThrownBy(() -> FrameCodec.checkHeader(6, 2, Frame.MAX_FRAME_BYTES))
                .isInstanceOfSatisfying(FrameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VERSION);
                    assertThat(e.fatal()).isTrue();
                });
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
}
