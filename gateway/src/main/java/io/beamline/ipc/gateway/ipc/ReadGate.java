package io.beamline.ipc.gateway.ipc;

import io.netty.channel.Channel;

/**
 * The one place that decides whether a connection is read (Netty's autoRead). It is read only when every
 * reason allows it:
 * <ul>
 *   <li>the outbound buffer is below its high-water mark (a client that does not read its answers stops
 *       being read: its memory stays bounded);</li>
 *   <li>its unanswered requests are below {@code ipc.max_in_flight_per_connection} (reading resumes once they
 *       drain to three quarters of it: the client is slowed, not failed);</li>
 *   <li>the connection is not closing after a bad header.</li>
 * </ul>
 * Bytes already read when the gate closes are still decoded and served, so a connection may go past the cap by
 * what one read brought (at most one receive buffer). Confined to the channel's event loop.
 */
final class ReadGate {

    private final Channel channel;
    private final int maxInFlight;
    private final int resumeAt;
    private boolean overCap;
    private boolean closing;

    ReadGate(Channel channel, int maxInFlight) {
        this.channel = channel;
        this.maxInFlight = maxInFlight;
        this.resumeAt = maxInFlight * 3 / 4; // below maxInFlight for every maxInFlight >= 1
    }

    /** Re-decides after anything that changes a reason: a request read, an answer written, writability. */
    void update(int unanswered) {
        if (unanswered >= maxInFlight) {
            overCap = true;
        } else if (unanswered <= resumeAt) {
            overCap = false;
        }
        boolean read = !closing && !overCap && channel.isWritable() && channel.isOpen();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    /** The connection closes after its answers: nothing more is read from it. */
    void closeForGood() {
        closing = true;
        channel.config().setAutoRead(false);
    }

    boolean overCap() {
        return overCap;
    }
}
