package io.beamline.ipc.client;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads whole frames from a byte stream whose reads may end anywhere: inside a header, inside a payload,
 * or after several frames. Decoding itself is {@link FrameCodec}'s; this class only buffers.
 */
final class FrameReader {

    /** Holds many small answers per read; bigger frames get a buffer of their own size, returned after. */
    static final int INITIAL_CAPACITY = 64 * 1024;

    private final ReadableByteChannel channel;
    private final FrameCodec codec;
    private ByteBuffer buffer = emptyBuffer(); // kept in read mode (flipped) between calls

    FrameReader(ReadableByteChannel channel, FrameCodec codec) {
        this.channel = channel;
        this.codec = codec;
    }

    /**
     * Blocks until the next frame is complete.
     *
     * @return the frame, or null when the stream ended cleanly between frames
     * @throws EOFException when the stream ended inside a frame
     * @throws io.beamline.ipc.protocol.FrameException when a header is invalid (the stream is then lost)
     */
    Frame read() throws IOException {
        while (true) {
            Frame frame = codec.decode(buffer);
            if (frame != null) {
                return frame;
            }
            if (!fill()) {
                if (buffer.hasRemaining()) {
                    throw new EOFException("the stream ended inside a frame (" + buffer.remaining()
                            + " bytes of it received)");
                }
                return null;
            }
        }
    }

    /** Reads more bytes; false at end of stream. */
    private boolean fill() throws IOException {
        makeRoomFor(bytesNeeded());
        buffer.compact();
        int n;
        try {
            n = channel.read(buffer);
        } finally {
            buffer.flip();
        }
        return n >= 0;
    }

    /** Size of the frame being assembled; its header was already validated by decode(). */
    private int bytesNeeded() {
        return buffer.remaining() < Frame.HEADER_BYTES ? Frame.HEADER_BYTES : buffer.getInt(buffer.position());
    }

    private void makeRoomFor(int frameBytes) {
        if (frameBytes > buffer.capacity()) {
            buffer = ByteBuffer.allocate(frameBytes).put(buffer).flip();
        } else if (!buffer.hasRemaining() && buffer.capacity() > INITIAL_CAPACITY) {
            buffer = emptyBuffer(); // don't keep a 4 MiB buffer for one big answer
        }
    }

    private static ByteBuffer emptyBuffer() {
        return ByteBuffer.allocate(INITIAL_CAPACITY).flip();
    }
}
