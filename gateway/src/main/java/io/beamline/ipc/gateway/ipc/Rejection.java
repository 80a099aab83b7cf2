package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.ErrorResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/** Turning a peer away: it is told why in an error frame (unlike the C gateway's silent close), then closed. */
final class Rejection {

    private Rejection() {
    }

    /**
     * Call from channelActive, before the first read, so nothing the peer sent is processed. Through the
     * connection's {@link ReadGate} when it has one, so that nothing (the error frame's own accounting) turns
     * reading back on.
     */
    static void rejectAndClose(ChannelHandlerContext ctx, ErrorResponse why) {
        ReadGate gate = ctx.channel().attr(ReadGate.KEY).get();
        if (gate != null) {
            gate.closeForGood();
        } else {
            ctx.channel().config().setAutoRead(false);
        }
        ctx.writeAndFlush(why.toFrame()).addListener(ChannelFutureListener.CLOSE);
    }
}
