package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.beamline.ipc.testkit.Allocations;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The socket's frame decoder (v1 and v2 headers) against any bytes, cut into reads at any points: it yields
 * frames and at most one {@link DecodeFailure} (the last thing it yields) with a header error code, never throws,
 * leaks no buffer (leak detection is PARANOID in tests), decodes exactly what the protocol's {@link FrameCodec}
 * decodes from the same bytes, and allocates in proportion to the input.
 * Seeds: {@code FrameDecoderFuzzTestInputs/decodes/}: a leading byte per read says where the next read ends.
 */
class FrameDecoderFuzzTest {

    /** The real default: a decoder that allocated a declared length before its bytes came would show at once. */
    private static final int MAX_FRAME_BYTES = Frame.MAX_FRAME_BYTES;

    @FuzzTest
    void decodes(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 64);
        }
        byte[] input = data.consumeRemainingAsBytes();

        List<Object> decoded = decode(input, cuts);
        List<Frame> expected = new ArrayList<>();
        FrameException expectedFailure = reference(input, expected);

        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            Object o = decoded.get(i);
            if (o instanceof DecodeFailure failure) {
                assertThat(i).as("a failure is the last thing decoded").isEqualTo(decoded.size() - 1);
                assertThat(expectedFailure).as("the protocol's codec fails too").isNotNull();
                assertThat(ErrorCode.fromCode(failure.error().code())).isIn(ErrorCode.INVALID_VERSION, ErrorCode.FRAME_TOO_LARGE,
                        ErrorCode.INVALID_PAYLOAD).isEqualTo(expectedFailure.code());
            } else {
                assertThat(o).isInstanceOf(Frame.class);
                frames.add((Frame) o);
            }
        }
        assertThat(frames).hasSameSizeAs(expected);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(encoded(frames.get(i))).isEqualTo(encoded(expected.get(i)));
        }
        // Frames copy their payloads once, and an empty frame (6 bytes) costs ~60 bytes of objects: 16 per input
        // byte. The constant: EmbeddedChannel and its pipeline, and PARANOID leak detection, which records up to
        // 10 stack traces for each of the (at most 9) buffers read: ~300 KB measured (seed leak_records_many_reads).
        // Still far below what allocating a declared length (up to 4 MiB) before its bytes came would cost.
        long allocated = Allocations.ofSecondRun(() -> decode(input, cuts));
        assertThat(allocated).as("bytes allocated decoding %d bytes", input.length)
                .isLessThan(16L * input.length + 524_288 + Allocations.fuzzerOverhead());
    }

    /** What the socket decoder yields for {@code input} arriving in reads cut after {@code cuts} bytes each. */
    private static List<Object> decode(byte[] input, int[] cuts) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ReadGate gate = new ReadGate(channel, 256, new MemoryBudget(64 << 20, 48 << 20));
        channel.pipeline().addLast(new FrameDecoder(MAX_FRAME_BYTES, Duration.ofSeconds(10), gate, () -> -1));
        // Unpooled: the pooled allocator may take a chunk for the first cumulation on a thread, a constant that says
        // nothing about the decoder. Leak detection still applies.
        channel.config().setAllocator(UnpooledByteBufAllocator.DEFAULT);
        int at = 0;
        for (int cut : cuts) {
            int n = Math.min(cut, input.length - at);
            channel.writeInbound(Unpooled.copiedBuffer(input, at, n));
            at += n;
        }
        channel.writeInbound(Unpooled.copiedBuffer(input, at, input.length - at));
        channel.finish();
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            out.add(o);
        }
        channel.finishAndReleaseAll();
        return out;
    }

    private static FrameException reference(byte[] input, List<Frame> frames) {
        FrameCodec codec = new FrameCodec(MAX_FRAME_BYTES);
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            Frame f;
            while ((f = codec.decode(in)) != null) {
                frames.add(f);
            }
            return null;
        } catch (FrameException e) {
            return e;
        }
    }

    private static String encoded(Frame f) {
        return f.version() + "/" + f.typeCode() + "/" + f.requestId() + "/" + Arrays.toString(f.payload());
    }
}
