package io.beamline.ipc.gateway.ipc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Counts the encoded bytes handed to the socket and not yet written into this connection's share of the memory
 * budget. Sits next to the head of the pipeline, so it sees every frame as bytes. A write that fails (the
 * connection closed) releases its bytes too: nothing is left counted once a connection is gone.
 */
final class QueuedAnswers extends ChannelOutboundHandlerAdapter {

    private final ReadGate gate;

    QueuedAnswers(ReadGate gate) {
        this.gate = gate;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
            ctx.write(msg, promise);
            return;
        }
        int bytes = buf.readableBytes();
        ChannelPromise counted = promise.unvoid(); // a void promise cannot tell when the bytes are gone
        gate.queued(bytes);
        counted.addListener(f -> gate.queued(-bytes));
        ctx.write(msg, counted);
    }
}
