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
 * <p>A TASK_SUBMIT whose payload alone is larger than the NATS server's {@code max_payload} can never be sent on:
 * it is refused by its header ({@link RefusedFrame}, {@code exceeds_nats_max_payload}) and its body is skipped as
 * it arrives, never held or parsed; the connection stays open. The frame clock runs while a body is skipped too.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameBytes;
    private final long frameTimeoutNanos;
    private final ReadGate gate;
    private final LongSupplier natsMaxPayload;
    private boolean failed;
    /** Bytes of a refused frame still to skip. */
    private long skipping;
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
        if (skipping > 0) {
            int n = (int) Math.min(skipping, in.readableBytes());
            in.skipBytes(n);
            skipping -= n;
            if (skipping > 0) {
                return;
            }
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
        int header = Frame.headerBytes(version);
        if (type == MessageType.TASK_SUBMIT.code() && refusedOverNatsMaxPayload(in, length, version, header, out)) {
            return;
        }
        if (in.readableBytes() < length) {
            return;
        }
        int requestId = version == Frame.V2 ? in.getInt(start + Frame.HEADER_BYTES) : 0;
        byte[] payload = new byte[(int) length - header];
        in.skipBytes(header).readBytes(payload);
        out.add(new Frame(version, type, requestId, payload));
    }

    /** @return whether the submit at the reader index was refused (then its bytes are skipped, now or as they come) */
    private boolean refusedOverNatsMaxPayload(ByteBuf in, long length, int version, int header, List<Object> out) {
        long payloadBytes = length - header;
        long max = natsMaxPayload.getAsLong();
        if (max < 0 || payloadBytes <= max || in.readableBytes() < header) {
            return false; // unknown limit, fits, or the request id is not here yet (the next read brings it)
        }
        int start = in.readerIndex();
        int requestId = version == Frame.V2 ? in.getInt(start + Frame.HEADER_BYTES) : 0;
        out.add(new RefusedFrame(new Frame(version, MessageType.TASK_SUBMIT.code(), requestId, new byte[0]),
                ErrorBody.exceedsNatsMaxPayload("the submit's payload is " + payloadBytes
                        + " bytes, more than the NATS server's max_payload of " + max + " bytes")));
        int n = (int) Math.min(length, in.readableBytes());
        in.skipBytes(n);
        skipping = length - n;
        return true;
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
        if (partial == 0 && skipping == 0) {
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
        if (failed || !ctx.channel().isActive() || internalBuffer().readableBytes() == 0 && skipping == 0) {
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
