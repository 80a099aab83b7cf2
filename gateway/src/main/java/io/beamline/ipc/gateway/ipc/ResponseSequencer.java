package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * v1 has no request ids, so answers must leave in request order even though requests run concurrently.
 * Each request reserves a slot; its frames wait until every earlier slot is done. A slot usually holds one
 * answer; a streaming submit's slot holds the decision, its chunks and the terminal frame, and is done only
 * with that last one (later answers wait for it). Confined to the channel's event loop.
 */
final class ResponseSequencer {

    private record Outbound(Frame frame, ChannelFutureListener written) {
    }

    static final class Slot {
        private final ArrayDeque<Outbound> frames = new ArrayDeque<>(1);
        private boolean done;
        private boolean closeAfter;
        private Runnable onAbandon;

        /** What stops this request's work if the peer goes away first. */
        void onAbandon(Runnable stop) {
            this.onAbandon = stop;
        }
    }

    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private final Channel channel;
    private final AtomicInteger unanswered;
    private boolean closing;

    /** @param unanswered requests read and not yet answered, over all connections (what a drain waits for) */
    ResponseSequencer(Channel channel, AtomicInteger unanswered) {
        this.channel = channel;
        this.unanswered = unanswered;
    }

    Slot reserve() {
        Slot slot = new Slot();
        if (!closing) {
            slots.add(slot);
            unanswered.incrementAndGet();
        }
        return slot;
    }

    /**
     * The slot's last frame.
     *
     * @param closeAfter close the connection once this answer is written; later slots are dropped
     */
    void complete(Slot slot, Frame response, boolean closeAfter) {
        slot.frames.add(new Outbound(response, null));
        slot.done = true;
        slot.closeAfter = closeAfter;
        slot.onAbandon = null;
        drain();
    }

    /** A frame of a slot that is not done yet (a stream's); {@code written} hears when it reached the socket. */
    void emit(Slot slot, Frame frame, ChannelFutureListener written) {
        if (!slot.done) {
            slot.frames.add(new Outbound(frame, written));
            drain();
        }
    }

    private void drain() {
        boolean wrote = false;
        while (!slots.isEmpty()) {
            Slot head = slots.peek();
            for (Outbound o = head.frames.poll(); o != null; o = head.frames.poll()) {
                if (head.done && head.closeAfter && head.frames.isEmpty()) {
                    slots.poll();
                    unanswered.decrementAndGet();
                    closing = true;
                    abandon();
                    channel.writeAndFlush(o.frame).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                channel.write(o.frame, o.written == null ? channel.voidPromise()
                        : channel.newPromise().addListener(o.written));
                wrote = true;
            }
            if (!head.done) {
                break;
            }
            slots.poll();
            unanswered.decrementAndGet();
        }
        if (wrote) {
            channel.flush();
        }
    }

    int pending() {
        return slots.size();
    }

    /** The peer is gone or the connection is closing: stop all unanswered work and forget it. */
    void abandon() {
        unanswered.addAndGet(-slots.size());
        for (Slot s : slots) {
            if (s.onAbandon != null) {
                s.onAbandon.run();
            }
            s.frames.clear();
        }
        slots.clear();
    }
}
