package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps connections served at once; the one over the cap is told so, then closed. The cap is read for each new
 * connection, so a reload that lowers it turns away new ones and closes none.
 */
@Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final IntSupplier max;
    private final AtomicInteger open = new AtomicInteger();
    // A connect storm must not flood the log.
    private final ThrottledWarning warning = new ThrottledWarning(LOG, Duration.ofSeconds(10));

    ConnectionLimiter(int max) {
        this(() -> max);
    }

    ConnectionLimiter(IntSupplier max) {
        this.max = max;
    }

    /** The cap in force now (a reload may have changed it). */
    int max() {
        return max.getAsInt();
    }

    int openConnections() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        int max = this.max.getAsInt();
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            warning.warn("connection refused: limit of {} connections reached (ipc.max_connections)", max);
            Rejection.rejectAndClose(ctx, ErrorResponse.of(ErrorBody.of(ErrorCode.OVERLOADED, "connection_limit",
                    "connection limit of " + max + " reached; retry later")));
            return;
        }
        ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
        ctx.fireChannelActive();
    }
}
