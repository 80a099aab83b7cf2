package io.beamline.ipc.gateway.ipc;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The one place that decides whether a connection is read (Netty's autoRead). It is read only when every
 * reason allows it:
 * <ul>
 *   <li>the outbound buffer is below its high-water mark (a client that does not read its answers stops
 *       being read: its memory stays bounded);</li>
 *   <li>its unanswered requests are below {@code ipc.max_in_flight_per_connection} (reading resumes once they
 *       drain to three quarters of it: the client is slowed, not failed);</li>
 *   <li>the gateway-wide {@link MemoryBudget} lets it (this connection's partial frame and queued answers are
 *       its share of the budget, kept here);</li>
 *   <li>the connection is not closing after a bad header.</li>
 * </ul>
 * Bytes already read when the gate closes are still decoded and served, so a connection may go past the cap by
 * what one read brought (at most one receive buffer). Confined to the channel's event loop, except
 * {@link #recheckLater()}.
 */
final class ReadGate {

    /** The connection's gate, for handlers shared by all connections that must stop its reading. */
    static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "gate");

    private final Channel channel;
    private final int maxInFlight;
    private final int resumeAt;
    private final MemoryBudget budget;
    private boolean overCap;
    private boolean closing;
    private long partialFrameBytes;
    private long queuedBytes;

    ReadGate(Channel channel, int maxInFlight, MemoryBudget budget) {
        this.channel = channel;
        this.maxInFlight = maxInFlight;
        this.resumeAt = maxInFlight * 3 / 4; // below maxInFlight for every maxInFlight >= 1
        this.budget = budget;
    }

    /** Re-decides after anything that changes a reason: a request read, an answer written, writability. */
    void update(int unanswered) {
        if (unanswered >= maxInFlight) {
            overCap = true;
        } else if (unanswered <= resumeAt) {
            overCap = false;
        }
        apply();
    }

    /** The bytes of the frame being accumulated now (0 when none is). */
    void partialFrame(long bytes) {
        long delta = bytes - partialFrameBytes;
        if (delta == 0) {
            return;
        }
        partialFrameBytes = bytes;
        budget.add(delta);
        if (bytes == 0) {
            budget.frameDone(this);
        }
        apply();
    }

    /** Bytes of answers handed to the socket (positive) or written or dropped (negative). */
    void queued(long delta) {
        queuedBytes += delta;
        budget.add(delta);
        apply();
    }

    long partialFrameBytes() {
        return partialFrameBytes;
    }

    long heldBytes() {
        return partialFrameBytes + queuedBytes;
    }

    /** The budget may allow reading again; asked from any thread, decided on the channel's loop. */
    void recheckLater() {
        channel.eventLoop().execute(this::apply);
    }

    /** The connection is closed: its partial frame is gone (queued answers are released as their writes fail). */
    void closed() {
        partialFrame(0);
        budget.forget(this);
    }

    /** The connection closes after its answers: nothing more is read from it. */
    void closeForGood() {
        closing = true;
        channel.config().setAutoRead(false);
    }

    private void apply() {
        boolean read = !closing && !overCap && channel.isWritable() && channel.isOpen() && budget.mayRead(this);
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    boolean overCap() {
        return overCap;
    }
}
