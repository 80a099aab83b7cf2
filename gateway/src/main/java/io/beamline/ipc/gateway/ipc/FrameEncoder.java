package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** {@link Frame} → bytes, into a pooled buffer sized exactly for the frame. */
@Sharable
final class FrameEncoder extends MessageToByteEncoder<Frame> {

    static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        return ctx.alloc().ioBuffer(frame.length());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        out.writeInt(frame.length()).writeByte(frame.version()).writeByte(frame.typeCode());
        if (frame.version() == Frame.V2) {
            out.writeInt(frame.requestId());
        }
        out.writeBytes(frame.payload());
    }
}
