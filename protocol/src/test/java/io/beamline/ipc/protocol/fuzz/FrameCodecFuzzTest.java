package io.beamline.ipc.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The protocol's frame codec against any bytes (v1 and v2 headers alike): it returns frames, asks for more
 * bytes, or throws {@link FrameException} with a header error code, never anything else, and never allocates
 * more than the bytes it was given can justify. Seeds: {@code FrameCodecFuzzTestInputs/decodes/}.
 */
class FrameCodecFuzzTest {

    /** Small, so that the fuzzer reaches "declared length too large" with few bytes. */
    private static final int MAX_FRAME_BYTES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest
    void decodes(byte[] input) {
        List<Frame> frames = new ArrayList<>();
        FrameException refused = decode(input, frames);
        for (Frame frame : frames) {
            assertThat(frame.version()).isIn(Frame.V1, Frame.V2);
            assertThat(frame.payload().length).isLessThanOrEqualTo(MAX_FRAME_BYTES);
        }
        if (refused != null) {
            assertThat(refused.code()).isIn(EnumSet.of(ErrorCode.INVALID_VERSION, ErrorCode.FRAME_TOO_LARGE,
                    ErrorCode.INVALID_PAYLOAD));
        }
        // Measured on a second run: the first one also pays for loading classes. Frames copy their payloads
        // once, plus a few small objects each: a frame of 6 bytes (no payload) costs ~60 bytes of objects
        // (the Frame, its empty array, its list slot), hence 16 per input byte (seed many_small_frames).
        List<Frame> again = new ArrayList<>(frames.size());
        long before = THREADS.getCurrentThreadAllocatedBytes();
        decode(input, again);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated decoding %d bytes", input.length)
                .isLessThan(16L * input.length + 4_096);
    }

    /** Decodes every whole frame of {@code input} into {@code frames}; the header error that stopped it, if any. */
    private static FrameException decode(byte[] input, List<Frame> frames) {
        FrameCodec codec = new FrameCodec(MAX_FRAME_BYTES);
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            Frame frame;
            while ((frame = codec.decode(in)) != null) {
                frames.add(frame);
            }
            return null;
        } catch (FrameException e) {
            return e;
        }
    }
}
