package io.beamline.ipc.gateway.ipc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskStream;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.Optional;
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
final class IpcRequestHandler extends ChannelInboundHandlerAdapter implements RequestContext {

    private static final Logger LOG = LoggerFactory.getLogger(IpcRequestHandler.class);
    private static final ChannelFutureListener NOTHING = f -> { };

    private final RequestDispatcher dispatcher;
    private final AtomicInteger unanswered;
    private final int maxStreamBuffered;
    private final ReadGate readGate;
    private ResponseSequencer sequencer;
    private MultiplexedRequests multiplexed;
    private Caller caller = Caller.UNKNOWN;

    /**
     * @param readGate          decides whether this connection is read; this handler tells it what it has unanswered
     * @param maxStreamBuffered stream bytes waiting for this client beyond which the stream overflows
     */
    IpcRequestHandler(RequestDispatcher dispatcher, AtomicInteger unanswered, ReadGate readGate,
                      int maxStreamBuffered) {
        this.dispatcher = dispatcher;
        this.unanswered = unanswered;
        this.readGate = readGate;
        this.maxStreamBuffered = maxStreamBuffered;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sequencer = new ResponseSequencer(ctx.channel(), unanswered);
        multiplexed = new MultiplexedRequests(ctx.channel(), unanswered);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecodeFailure failure) {
            // The stream cannot be re-synchronised: answer after the earlier requests, then close.
            readGate.closeForGood();
            LOG.debug("closing {} after a bad frame: {}", ctx.channel(), failure.error().message());
            sequencer.complete(sequencer.reserve(), ErrorResponse.of(failure.error()).toFrame(), true);
            return;
        }
        if (msg instanceof RefusedFrame refused) {
            Frame answer = ErrorResponse.of(refused.error()).toFrame().answering(refused.request());
            if (refused.request().version() == Frame.V2) {
                ctx.writeAndFlush(answer, ctx.voidPromise());
            } else {
                sequencer.complete(sequencer.reserve(), answer, false);
            }
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
        CompletableFuture<Reply> work = dispatcher.dispatch(request, context(ctx));
        slot.onAbandon(() -> work.cancel(false));
        onLoop(ctx, work, reply -> {
            if (reply.stream() == null) {
                sequencer.complete(slot, reply.frame(), false);
                return;
            }
            sequencer.emit(slot, reply.frame(), null);
            StreamWriter writer = new StreamWriter(request, reply.stream().stream(), ctx.executor(), maxStreamBuffered,
                    (frame, written) -> written(() -> sequencer.emit(slot, frame, written)),
                    frame -> written(() -> sequencer.complete(slot, frame, false)));
            slot.onAbandon(() -> reply.stream().stream().detach(writer));
            attach(ctx, reply.stream(), writer);
        });
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
        CompletableFuture<Reply> work = dispatcher.dispatch(request, context(ctx));
        if (work.isDone() && work.join().stream() == null) {
            multiplexed.forget(id);
            ctx.writeAndFlush(work.join().frame().answering(request), ctx.voidPromise());
            return;
        }
        multiplexed.started(id, () -> work.cancel(false)); // cancelling the dispatcher's future stops the task
        onLoop(ctx, work, reply -> {
            Frame first = reply.frame().answering(request);
            if (reply.stream() == null) {
                multiplexed.answer(first);
                return;
            }
            multiplexed.emit(first, NOTHING);
            StreamWriter writer = new StreamWriter(request, reply.stream().stream(), ctx.executor(), maxStreamBuffered,
                    (frame, written) -> written(() -> multiplexed.emit(frame, written)),
                    frame -> written(() -> multiplexed.answer(frame)));
            multiplexed.stopWith(id, () -> reply.stream().stream().detach(writer));
            attach(ctx, reply.stream(), writer);
        });
    }

    /**
     * The stream's chunks and end go to {@code writer} from now on. A connection already gone leaves at once
     * (a submit's stream is then cancelled); a replay no longer held ends with a STREAM_ERROR, never silently.
     */
    private static void attach(ChannelHandlerContext ctx, TaskAnswer.Streaming streaming, StreamWriter writer) {
        TaskStream stream = streaming.stream();
        var refused = stream.attach(streaming.fromSeq(), writer, streaming.owner());
        if (refused.isPresent()) {
            ObjectNode end = JsonNodeFactory.instance.objectNode().put("ok", false).put("task_id", stream.taskId())
                    .put("status", "error").put("chunks", 0).put("bytes", 0);
            end.set("error", Json.mapper().valueToTree(refused.get()));
            writer.end(end);
        } else if (!ctx.channel().isActive()) {
            stream.detach(writer);
        }
    }

    /** Runs {@code write} with the reply on this channel's event loop, then re-decides reading. */
    private void onLoop(ChannelHandlerContext ctx, CompletableFuture<Reply> reply, Consumer<Reply> write) {
        reply.thenAccept(r -> {
            if (ctx.executor().inEventLoop()) {
                written(() -> write.accept(r));
            } else {
                ctx.executor().execute(() -> written(() -> write.accept(r)));
            }
        });
    }

    private void written(Runnable write) {
        write.run();
        readGate.update(pending());
    }

    private int pending() {
        return sequencer.pending() + multiplexed.pending();
    }

    /** This connection, as the dispatcher may ask of it; the peer is known once the guard has run. */
    private RequestContext context(ChannelHandlerContext ctx) {
        Caller peer = ctx.channel().attr(PeerCredentialsGuard.CALLER).get();
        caller = peer == null ? Caller.UNKNOWN : peer;
        return this;
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public Optional<String> taskOfRequest(int requestId) {
        return multiplexed.taskOf(requestId);
    }

    @Override
    public void submitting(int requestId, String taskId) {
        multiplexed.submitting(requestId, taskId);
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

    /**
     * Idle ({@code ipc.idle_timeout_ms} without a byte read or written): closed, with the reason in an error frame
     * first, unless a request is in flight or a stream open here (both count in {@link #pending()}); then it is
     * asked again one idle period later.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof IdleStateEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (pending() > 0 || !ctx.channel().isActive()) {
            return;
        }
        LOG.debug("closing idle connection {} ({})", ctx.channel(),
                ctx.channel().attr(PeerCredentialsGuard.CALLER).get());
        readGate.closeForGood();
        ctx.writeAndFlush(ErrorResponse.of(ErrorBody.of(ErrorCode.CONNECTION_CLOSED, "idle_timeout",
                "nothing sent or received for the idle timeout (ipc.idle_timeout_ms); closing the connection"))
                .toFrame()).addListener(ChannelFutureListener.CLOSE);
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
