package io.beamline.ipc.bench.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.MessageType;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol's {@link FrameCodec} on heap {@link ByteBuffer}s (as the Java client uses it).
 * {@code frameBytes} is the WHOLE frame, 6-byte header included: 256 → a 250-byte TASK_SUBMIT JSON payload.
 *
 * <p>Target (issue): ≤ 200 ns per {@link #roundTrip} of a 256-byte frame on the 2-vCPU bench machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBenchmark {

    @Param({"256", "4096"})
    public int frameBytes;

    private FrameCodec codec;
    private Frame frame;
    private byte[] payload;
    /** Reused output buffer for encode and round trip. */
    private ByteBuffer out;
    /** One encoded frame, rewound before each decode. */
    private ByteBuffer encoded;

    @Setup(Level.Trial)
    public void setup() {
        codec = new FrameCodec();
        payload = Payloads.forFrameOf(frameBytes);
        frame = Frame.of(MessageType.TASK_SUBMIT, payload);
        if (frame.length() != frameBytes) {
            throw new IllegalStateException("frame is " + frame.length() + " B, wanted " + frameBytes);
        }
        out = ByteBuffer.allocate(frameBytes);
        encoded = ByteBuffer.wrap(codec.encode(frame));

        // The measured paths must really work: check them once before measuring.
        Frame back = roundTripOnce();
        Frame decoded = decodeOnce();
        for (Frame f : new Frame[] {back, decoded}) {
            if (f == null || f.typeCode() != frame.typeCode() || !Arrays.equals(f.payload(), payload)) {
                throw new IllegalStateException("codec round trip lost the frame: " + f);
            }
        }
        if (!"task_submit".equals(Json.parseObject(payload).path("command").asText())) {
            throw new IllegalStateException("payload does not parse back");
        }
    }

    private Frame roundTripOnce() {
        out.clear();
        codec.encode(frame, out);
        out.flip();
        return codec.decode(out);
    }

    private Frame decodeOnce() {
        encoded.position(0);
        return codec.decode(encoded);
    }

    /** Encode into the reused buffer, then decode it back into a new Frame (payload copied out). */
    @Benchmark
    public void roundTrip(Blackhole bh) {
        Frame f = roundTripOnce();
        bh.consume(f.typeCode());
        bh.consume(f.payload());
    }

    /** Header + payload copy into the reused buffer. */
    @Benchmark
    public void encode(Blackhole bh) {
        out.clear();
        codec.encode(frame, out);
        bh.consume(out.position());
        bh.consume(out);
    }

    /** Header check + payload copy out of an already encoded frame. */
    @Benchmark
    public void decode(Blackhole bh) {
        Frame f = decodeOnce();
        bh.consume(f.typeCode());
        bh.consume(f.payload());
    }

    /** Context: what the gateway pays next, {@link Json#parseObject} (strict UTF-8 check + Jackson tree). */
    @Benchmark
    public ObjectNode jsonParseObject() {
        return Json.parseObject(payload);
    }
}
