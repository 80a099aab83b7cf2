package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.config.UidAllowList;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the peer's uid/gid/pid from the socket, records them on the channel and turns away uids not allowed.
 * The allow-list is read for each new connection (a reload changes who may connect next, not who is connected).
 */
@Sharable
final class PeerCredentialsGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PeerCredentialsGuard.class);

    /** The connection's peer, for everything downstream that acts per caller. */
    static final AttributeKey<Caller> CALLER = AttributeKey.valueOf(PeerCredentialsGuard.class, "caller");

    private final Supplier<UidAllowList> allowed;
    private final int selfUid;

    PeerCredentialsGuard(Supplier<UidAllowList> allowed, int selfUid) {
        this.allowed = allowed;
        this.selfUid = selfUid;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Caller peer;
        try {
            PeerCredentials c = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
            int[] gids = c.gids();
            peer = new Caller(c.pid(), c.uid(), gids.length > 0 ? gids[0] : -1);
        } catch (IOException e) {
            LOG.warn("cannot read peer credentials, closing connection: {}", e.toString());
            Rejection.rejectAndClose(ctx, ErrorResponse.of(ErrorCode.PERMISSION_DENIED, "peer credentials unavailable"));
            return;
        }
        ctx.channel().attr(CALLER).set(peer);
        if (!allowed.get().allows(peer.uid(), selfUid)) {
            LOG.warn("peer denied: {} is not in ipc.allowed_uids", peer);
            Rejection.rejectAndClose(ctx, ErrorResponse.of(ErrorCode.PERMISSION_DENIED,
                    "uid " + peer.uid() + " is not allowed to use this gateway (see ipc.allowed_uids)"));
            return;
        }
        LOG.debug("peer connected: {}", peer); // one line per connection is for debugging, not the log of a day
        ctx.fireChannelActive();
    }
}
