package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each decoded frame to the dispatcher and its answer to the connection: a v1 answer to the
 * {@link ResponseSequencer} (request order), a v2 answer to {@link MultiplexedRequests} (as soon as it is
 * ready, carrying its request id). Answers may complete on any thread; they hop back to this channel's event
 * loop (the one hop each way).
 */
final class IpcRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(IpcRequestHandler.class);

    private final RequestDispatcher dispatcher;
    private final AtomicInteger unanswered;
    private final int maxInFlight;
    private ResponseSequencer sequencer;
    private MultiplexedRequests multiplexed;
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
        multiplexed = new MultiplexedRequests(ctx.channel(), unanswered);
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
        if (request.version() == Frame.V2) {
            multiplexed(ctx, request);
        } else {
            inOrder(ctx, request);
        }
        readGate.update(pending());
    }

    private void inOrder(ChannelHandlerContext ctx, Frame request) {
        ResponseSequencer.Slot slot = sequencer.reserve();
        CompletableFuture<Frame> answer = dispatcher.dispatch(request, caller(ctx));
        if (answer.isDone()) {
            sequencer.complete(slot, answer.join(), false);
            return;
        }
        slot.attach(answer);
        onLoop(ctx, answer, frame -> sequencer.complete(slot, frame, false));
    }

    private void multiplexed(ChannelHandlerContext ctx, Frame request) {
        int id = request.requestId();
        if (id == 0 || multiplexed.inFlight(id)) {
            // Answered at once under the same id; the connection stays usable.
            ctx.writeAndFlush(id == 0
                    ? error(request, "invalid_request_id", "a v2 request_id must not be 0")
                    : error(request, "duplicate_request_id", "request_id " + Integer.toUnsignedString(id)
                            + " is still in flight on this connection"), ctx.voidPromise());
            return;
        }
        CompletableFuture<Frame> work = dispatcher.dispatch(request, caller(ctx));
        if (work.isDone()) {
            ctx.writeAndFlush(work.join().answering(request), ctx.voidPromise());
            return;
        }
        multiplexed.started(id, work); // cancelling the dispatcher's future is what stops the task
        onLoop(ctx, work.thenApply(frame -> frame.answering(request)), multiplexed::answer);
    }

    /** Runs {@code write} with the answer on this channel's event loop, then re-decides reading. */
    private void onLoop(ChannelHandlerContext ctx, CompletableFuture<Frame> answer, Consumer<Frame> write) {
        answer.thenAccept(frame -> {
            if (ctx.executor().inEventLoop()) {
                written(write, frame);
            } else {
                ctx.executor().execute(() -> written(write, frame));
            }
        });
    }

    private void written(Consumer<Frame> write, Frame frame) {
        write.accept(frame);
        readGate.update(pending());
    }

    private int pending() {
        return sequencer.pending() + multiplexed.pending();
    }

    private static Caller caller(ChannelHandlerContext ctx) {
        Caller caller = ctx.channel().attr(PeerCredentialsGuard.CALLER).get();
        return caller == null ? Caller.UNKNOWN : caller;
    }

    private static Frame error(Frame request, String reason, String message) {
        return ErrorResponse.of(ErrorBody.of(ErrorCode.INVALID_PAYLOAD, reason, message)).toFrame()
                .answering(request);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A peer that does not read its answers stops being read: its memory stays bounded.
        if (ctx.channel().isActive() && ctx.channel().isOpen()) {
            readGate.update(pending());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending() > 0) {
            LOG.debug("{} closed with {} request(s) unanswered; cancelling them", ctx.channel(), pending());
        }
        sequencer.abandon();
        multiplexed.abandon();
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
