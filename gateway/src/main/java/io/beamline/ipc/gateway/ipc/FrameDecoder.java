package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.FrameCodec;
import io.beamline.ipc.protocol.FrameException;
import io.beamline.ipc.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Bytes → {@link Frame}s. A bad header cannot be skipped (the length is untrusted), so it yields one
 * {@link DecodeFailure} and everything after it on this connection is discarded.
 *
 * <p>A frame begun must be complete within {@code ipc.frame_timeout_ms} (v1 and v2 alike: the clock starts with
 * the first byte of a frame that one read did not bring whole); else it yields a {@link DecodeFailure}
 * {@code frame_timeout} and the connection closes. The clock is one task on the event loop's scheduler, armed
 * only while a frame is partial. The bytes of a partial frame are this connection's share of the memory budget
 * ({@link ReadGate#partialFrame}).
 *
 * <p>A TASK_SUBMIT whose payload is larger than the NATS server's {@code max_payload} can never be sent on: it
 * is refused at its header ({@code frame_too_large}, reason {@code submit_exceeds_nats_max_payload}) like a
 * frame over the maximum size, before its body is read, held and parsed. Checked while such a frame is still
 * partial only: a frame that came whole in one read is small and meets the same limit after mapping.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameBytes;
    private final long frameTimeoutNanos;
    private final ReadGate gate;
    private final LongSupplier natsMaxPayload;
    private boolean failed;
    private ScheduledFuture<?> frameClock;

    /** @param natsMaxPayload the NATS server's max_payload in bytes, or a negative number while it is unknown */
    FrameDecoder(int maxFrameBytes, Duration frameTimeout, ReadGate gate, LongSupplier natsMaxPayload) {
        this.maxFrameBytes = maxFrameBytes;
        this.frameTimeoutNanos = frameTimeout.toNanos();
        this.gate = gate;
        this.natsMaxPayload = natsMaxPayload;
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
            out.add(DecodeFailure.of(e));
            return;
        }
        int type = in.getUnsignedByte(start + 5);
        if (in.readableBytes() < length) {
            if (type == MessageType.TASK_SUBMIT.code()) {
                refuseIfOverNatsMaxPayload(in, length - Frame.headerBytes(version), out);
            }
            return;
        }
        int header = Frame.headerBytes(version);
        int requestId = version == Frame.V2 ? in.getInt(start + Frame.HEADER_BYTES) : 0;
        byte[] payload = new byte[(int) length - header];
        in.skipBytes(header).readBytes(payload);
        out.add(new Frame(version, type, requestId, payload));
    }

    private void refuseIfOverNatsMaxPayload(ByteBuf in, long payloadBytes, List<Object> out) {
        long max = natsMaxPayload.getAsLong();
        if (max < 0 || payloadBytes <= max) {
            return;
        }
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new DecodeFailure(ErrorBody.of(ErrorCode.FRAME_TOO_LARGE, "submit_exceeds_nats_max_payload",
                "a TASK_SUBMIT payload of " + payloadBytes + " bytes cannot be sent: the NATS server's max_payload is "
                        + max + " bytes; closing the connection")));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        partialFrameChanged(ctx);
    }

    /**
     * Unlike the base class, no extra read is asked for when a read brought no whole frame and autoRead is off:
     * autoRead is off only when the {@link ReadGate} wants this connection not read (and with that extra read a
     * connection sending one large frame would be read on regardless).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        discardSomeReadBytes();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        stopClock();
        gate.closed();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        stopClock();
        gate.closed();
    }

    private void partialFrameChanged(ChannelHandlerContext ctx) {
        int partial = internalBuffer().readableBytes();
        gate.partialFrame(partial);
        if (partial == 0) {
            stopClock();
        } else if (frameClock == null && !failed) {
            startClock(ctx);
        }
    }

    private void startClock(ChannelHandlerContext ctx) {
        frameClock = ctx.executor().schedule(() -> frameTimedOut(ctx), frameTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stopClock() {
        if (frameClock != null) {
            frameClock.cancel(false);
            frameClock = null;
        }
    }

    private void frameTimedOut(ChannelHandlerContext ctx) {
        frameClock = null;
        if (failed || !ctx.channel().isActive() || internalBuffer().readableBytes() == 0) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            // The gateway itself is not reading this connection (backpressure): the client cannot finish; wait on.
            startClock(ctx);
            return;
        }
        failed = true;
        int partial = internalBuffer().readableBytes();
        internalBuffer().skipBytes(partial);
        gate.partialFrame(0);
        ctx.fireChannelRead(new DecodeFailure(ErrorBody.of(ErrorCode.TIMEOUT, "frame_timeout",
                "a frame was not complete within " + frameTimeoutNanos / 1_000_000 + " ms (ipc.frame_timeout_ms; "
                        + partial + " bytes of it arrived); closing the connection")));
        ctx.fireChannelReadComplete();
    }
}
