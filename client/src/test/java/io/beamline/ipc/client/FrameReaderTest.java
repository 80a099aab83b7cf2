package io.beamline.ipc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.beamline.ipc.protocol.MessageType;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader against a channel whose reads end exactly where the test says. */
class FrameReaderTest {

    private static final FrameCodec CODEC = new FrameCodec();

    /** Frame is a record holding a byte[], so its equals() compares array identity, not content. */
    private static final Comparator<Frame> SAME_FRAME = (x, y) ->
            x.typeCode() == y.typeCode() && Arrays.equals(x.payload(), y.payload()) ? 0 : 1;

    private static Frame frame(MessageType type, String payload) {
        return Frame.of(type, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] encode(Frame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            out.writeBytes(CODEC.encode(f));
        }
        return out.toByteArray();
    }

    private static List<Frame> readAll(FrameReader reader) throws IOException {
        List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = reader.read()) != null) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void framesDeliveredOneByteAtATimeAreReassembled() throws IOException {
        Frame a = frame(MessageType.RESPONSE_OK, "{\"a\":1}");
        Frame b = Frame.of(MessageType.PONG);
        Frame c = frame(MessageType.RESPONSE_ERROR, "{\"ok\":false}");

        List<Frame> read = readAll(new FrameReader(ScriptedChannel.chunked(encode(a, b, c), 1), CODEC));

        assertThat(read).usingElementComparator(SAME_FRAME).containsExactly(a, b, c);
    }

    @Test
    void manyFramesInOneReadAreAllReturned() throws IOException {
        Frame[] frames = new Frame[50];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame(MessageType.RESPONSE_OK, "{\"i\":" + i + "}");
        }
        byte[] bytes = encode(frames);

        List<Frame> read = readAll(new FrameReader(ScriptedChannel.chunked(bytes, bytes.length), CODEC));

        assertThat(read).usingElementComparator(SAME_FRAME).containsExactly(frames);
    }

    @Test
    void frameBiggerThanTheBufferGrowsItAndSmallFramesFollow() throws IOException {
        Frame big = Frame.of(MessageType.RESPONSE_OK, new byte[FrameReader.INITIAL_CAPACITY * 3]);
        Frame small = Frame.of(MessageType.PONG);

        List<Frame> read = readAll(new FrameReader(ScriptedChannel.chunked(encode(big, small, big, small), 10_000), CODEC));

        assertThat(read).usingElementComparator(SAME_FRAME).containsExactly(big, small, big, small);
    }

    @Test
    void endInsideAFrameIsAnEofError() {
        byte[] bytes = Arrays.copyOf(encode(frame(MessageType.RESPONSE_OK, "{\"a\":1}")), 9);
        FrameReader reader = new FrameReader(ScriptedChannel.chunked(bytes, 4), CODEC);

        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class).hasMessageContaining("9 bytes");
    }

    @Test
    void endInsideAHeaderIsAnEofError() {
        FrameReader reader = new FrameReader(ScriptedChannel.chunked(new byte[] {0, 0, 0}, 1), CODEC);

        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
    }

    @Test
    void frameAboveTheReadersMaximumIsRejectedFromItsHeader() {
        byte[] bytes = encode(Frame.of(MessageType.RESPONSE_OK, new byte[100]));
        FrameReader reader = new FrameReader(ScriptedChannel.chunked(Arrays.copyOf(bytes, 6), 6), new FrameCodec(64));

        assertThatThrownBy(reader::read).isInstanceOfSatisfying(FrameException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    }

    /** Hands out fixed bytes in reads of at most {@code chunk} bytes, then end of stream. */
    private static final class ScriptedChannel implements ReadableByteChannel {
        private final ByteBuffer source;
        private final int chunk;

        private ScriptedChannel(byte[] bytes, int chunk) {
            this.source = ByteBuffer.wrap(bytes);
            this.chunk = chunk;
        }

        static ScriptedChannel chunked(byte[] bytes, int chunk) {
            return new ScriptedChannel(bytes, chunk);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!source.hasRemaining()) {
                return -1;
            }
            int n = Math.min(Math.min(chunk, dst.remaining()), source.remaining());
            dst.put(source.slice(source.position(), n));
            source.position(source.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
