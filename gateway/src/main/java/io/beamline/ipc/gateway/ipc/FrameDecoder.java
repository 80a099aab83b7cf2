package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Bytes → {@link Frame}s. A bad header cannot be skipped (the length is untrusted), so it yields one
 * {@link DecodeFailure} and everything after it on this connection is discarded.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameBytes;
    private boolean failed;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frame.HEADER_BYTES) {
            return;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start);
        int version = in.getUnsignedByte(start + 4);
        try {
            FrameCodec.checkHeader(length, version, maxFrameBytes);
        } catch (FrameException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            out.add(new DecodeFailure(e));
            return;
        }
        if (in.readableBytes() < length) {
            return;
        }
        int type = in.getUnsignedByte(start + 5);
        int header = Frame.headerBytes(version);
        int requestId = version == Frame.V2 ? in.getInt(start + Frame.HEADER_BYTES) : 0;
        byte[] payload = new byte[(int) length - header];
        in.skipBytes(header).readBytes(payload);
        out.add(new Frame(version, type, requestId, payload));
    }
}
