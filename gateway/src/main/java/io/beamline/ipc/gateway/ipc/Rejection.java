package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.ErrorResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/** Turning a peer away: it is told why in an error frame (unlike the C gateway's silent close), then closed. */
final class Rejection {

    private Rejection() {
    }

    /** Call from channelActive, before the first read, so nothing the peer sent is processed. */
    static void rejectAndClose(ChannelHandlerContext ctx, ErrorResponse why) {
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(why.toFrame()).addListener(ChannelFutureListener.CLOSE);
    }
}
