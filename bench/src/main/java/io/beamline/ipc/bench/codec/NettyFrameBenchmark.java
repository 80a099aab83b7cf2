package io.beamline.ipc.bench.codec;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same round trip as {@link FrameCodecBenchmark#roundTrip}, done on a Netty {@link ByteBuf} the way the
 * gateway's FrameEncoder/FrameDecoder do it (copied here: those handlers are package-private in the gateway).
 * The gateway allocates with {@code ctx.alloc().ioBuffer(frame.length())}; with no allocator configured that is
 * {@link ByteBufAllocator#DEFAULT} (the adaptive pooled allocator in Netty 4.2), which is what is used here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NettyFrameBenchmark {

    @Param({"256", "4096"})
    public int frameBytes;

    private final int maxFrameBytes = Frame.MAX_FRAME_BYTES;
    private ByteBufAllocator alloc;
    private Frame frame;
    private byte[] payload;
    /** For the reused-buffer variant. */
    private ByteBuf reused;

    @Setup(Level.Trial)
    public void setup() {
        alloc = ByteBufAllocator.DEFAULT;
        payload = Payloads.forFrameOf(frameBytes);
        frame = Frame.of(MessageType.TASK_SUBMIT, payload);
        reused = alloc.ioBuffer(frameBytes);
        for (Frame f : new Frame[] {allocRoundTripOnce(), reusedRoundTripOnce()}) {
            if (f == null || f.typeCode() != frame.typeCode() || !Arrays.equals(f.payload(), payload)) {
                throw new IllegalStateException("ByteBuf round trip lost the frame: " + f);
            }
        }
        System.out.println("# allocator: " + alloc.getClass().getSimpleName() + ", ioBuffer direct: "
                + reused.isDirect() + " (" + reused.getClass().getSimpleName() + "), Netty uses Unsafe: "
                + PlatformDependent.hasUnsafe());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reused.release();
    }

    /** FrameEncoder.encode. */
    private static void encode(Frame frame, ByteBuf out) {
        out.writeInt(frame.length()).writeByte(Frame.VERSION).writeByte(frame.typeCode()).writeBytes(frame.payload());
    }

    /** FrameDecoder.decode, on the happy path. */
    private Frame decode(ByteBuf in) {
        if (in.readableBytes() < Frame.HEADER_BYTES) {
            return null;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start);
        FrameCodec.checkHeader(length, in.getUnsignedByte(start + 4), maxFrameBytes);
        if (in.readableBytes() < length) {
            return null;
        }
        int type = in.getUnsignedByte(start + 5);
        byte[] bytes = new byte[(int) length - Frame.HEADER_BYTES];
        in.skipBytes(Frame.HEADER_BYTES).readBytes(bytes);
        return new Frame(type, bytes);
    }

    private Frame allocRoundTripOnce() {
        ByteBuf buf = alloc.ioBuffer(frame.length());
        try {
            encode(frame, buf);
            return decode(buf);
        } finally {
            buf.release();
        }
    }

    private Frame reusedRoundTripOnce() {
        reused.clear();
        encode(frame, reused);
        return decode(reused);
    }

    /** As the gateway: a pooled buffer per frame (allocate, write, read, release). */
    @Benchmark
    public void roundTripPooledPerFrame(Blackhole bh) {
        Frame f = allocRoundTripOnce();
        bh.consume(f.typeCode());
        bh.consume(f.payload());
    }

    /** Like FrameCodecBenchmark.roundTrip: one reused (direct) buffer, no allocator in the loop. */
    @Benchmark
    public void roundTripReusedBuf(Blackhole bh) {
        Frame f = reusedRoundTripOnce();
        bh.consume(f.typeCode());
        bh.consume(f.payload());
    }
}
