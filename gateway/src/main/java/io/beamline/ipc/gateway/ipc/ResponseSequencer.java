package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * v1 has no request ids, so answers must leave in request order even though requests run concurrently.
 * Each request reserves a slot; finished answers wait until every earlier slot is done.
 * Confined to the channel's event loop.
 */
final class ResponseSequencer {

    static final class Slot {
        private Frame response;
        private boolean closeAfter;
        private Future<?> work;

        /** The work answering this slot, cancelled if the peer goes away first. */
        void attach(Future<?> work) {
            this.work = work;
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

    /** @param closeAfter close the connection once this answer is written; later slots are dropped */
    void complete(Slot slot, Frame response, boolean closeAfter) {
        slot.response = response;
        slot.closeAfter = closeAfter;
        slot.work = null;
        boolean wrote = false;
        while (!slots.isEmpty() && slots.peek().response != null) {
            Slot head = slots.poll();
            unanswered.decrementAndGet();
            if (head.closeAfter) {
                closing = true;
                abandon();
                channel.writeAndFlush(head.response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            channel.write(head.response, channel.voidPromise());
            wrote = true;
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
            if (s.work != null) {
                s.work.cancel(false);
            }
        }
        slots.clear();
    }
}
