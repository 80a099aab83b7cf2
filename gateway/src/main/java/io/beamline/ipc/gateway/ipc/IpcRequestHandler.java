package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each decoded frame to the dispatcher and its answer to the connection's {@link ResponseSequencer}.
 * Answers may complete on any thread; they hop back to this channel's event loop (the one hop each way).
 */
final class IpcRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(IpcRequestHandler.class);

    private final RequestDispatcher dispatcher;
    private final AtomicInteger unanswered;
    private final int maxInFlight;
    private ResponseSequencer sequencer;
    private ReadGate readGate;

    IpcRequestHandler(RequestDispatcher dispatcher, AtomicInteger unanswered) {
        this(dispatcher, unanswered, IpcConfig.DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION);
    }

    /** @param maxInFlight unanswered requests beyond which this connection is not read until they drain */
    IpcRequestHandler(RequestDispatcher dispatcher, AtomicInteger unanswered, int maxInFlight) {
        this.dispatcher = dispatcher;
        this.unanswered = unanswered;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sequencer = new ResponseSequencer(ctx.channel(), unanswered);
        readGate = new ReadGate(ctx.channel(), maxInFlight);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecodeFailure failure) {
            // The stream cannot be re-synchronised: answer after the earlier requests, then close.
            readGate.closeForGood();
            LOG.debug("closing {} after bad frame header: {}", ctx.channel(), failure.cause().getMessage());
            sequencer.complete(sequencer.reserve(),
                    ErrorResponse.of(failure.cause().code(), failure.cause().getMessage()).toFrame(), true);
            return;
        }
        Frame request = (Frame) msg;
        ResponseSequencer.Slot slot = sequencer.reserve();
        Caller caller = ctx.channel().attr(PeerCredentialsGuard.CALLER).get();
        CompletableFuture<Frame> answer = dispatcher.dispatch(request, caller == null ? Caller.UNKNOWN : caller);
        if (answer.isDone()) {
            sequencer.complete(slot, answer.join(), false);
            readGate.update(sequencer.pending());
            return;
        }
        slot.attach(answer);
        readGate.update(sequencer.pending());
        answer.thenAccept(frame -> {
            if (ctx.executor().inEventLoop()) {
                answered(slot, frame);
            } else {
                ctx.executor().execute(() -> answered(slot, frame));
            }
        });
    }

    private void answered(ResponseSequencer.Slot slot, Frame frame) {
        sequencer.complete(slot, frame, false);
        readGate.update(sequencer.pending());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A peer that does not read its answers stops being read: its memory stays bounded.
        if (ctx.channel().isActive() && ctx.channel().isOpen()) {
            readGate.update(sequencer.pending());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sequencer.pending() > 0) {
            LOG.debug("{} closed with {} request(s) unanswered; cancelling them", ctx.channel(), sequencer.pending());
        }
        sequencer.abandon();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("connection error on {}: {}", ctx.channel(), cause.toString());
        } else {
            LOG.warn("unexpected error on {}, closing it", ctx.channel(), cause);
        }
        ctx.close();
    }
}
