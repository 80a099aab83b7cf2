package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The v2 requests in flight on one connection, by request id. Each is answered the moment it is ready,
 * whatever came before it; an id is free again once its request is answered. Confined to the channel's
 * event loop.
 */
final class MultiplexedRequests {

    private final Map<Integer, Runnable> inFlight = new HashMap<>();
    /** The task of each submit in flight, for TASK_CANCEL by request_id. */
    private final Map<Integer, String> tasks = new HashMap<>();
    private final Channel channel;
    private final AtomicInteger unanswered;

    /** @param unanswered requests read and not yet answered, over all connections (what a drain waits for) */
    MultiplexedRequests(Channel channel, AtomicInteger unanswered) {
        this.channel = channel;
        this.unanswered = unanswered;
    }

    boolean inFlight(int requestId) {
        return inFlight.containsKey(requestId);
    }

    void submitting(int requestId, String taskId) {
        tasks.put(requestId, taskId);
    }

    /** A request answered at once, never {@link #started}: nothing of it is kept. */
    void forget(int requestId) {
        tasks.remove(requestId);
    }

    Optional<String> taskOf(int requestId) {
        return inFlight.containsKey(requestId) ? Optional.ofNullable(tasks.get(requestId)) : Optional.empty();
    }

    /** A request whose answer comes later; {@code stop} stops its work if the peer goes away first. */
    void started(int requestId, Runnable stop) {
        if (inFlight.putIfAbsent(requestId, stop) != null) {
            throw new IllegalStateException("request id " + requestId + " is in flight already");
        }
        unanswered.incrementAndGet();
    }

    /** A frame of a request still in flight (a stream's); {@code written} hears when it reached the socket. */
    void emit(Frame frame, ChannelFutureListener written) {
        if (inFlight.containsKey(frame.requestId())) {
            channel.writeAndFlush(frame, channel.newPromise().addListener(written));
        }
    }

    /** What stops the request's work from now on (a stream's, once its answer has started it). */
    void stopWith(int requestId, Runnable stop) {
        inFlight.replace(requestId, stop);
    }

    /** Writes the last frame of a request {@link #started}; one no longer in flight (abandoned) is dropped. */
    void answer(Frame answer) {
        tasks.remove(answer.requestId());
        if (inFlight.remove(answer.requestId()) != null) {
            unanswered.decrementAndGet();
            channel.writeAndFlush(answer, channel.voidPromise());
        }
    }

    int pending() {
        return inFlight.size();
    }

    /** The peer is gone or the connection is closing: stop all unanswered work and forget it. */
    void abandon() {
        unanswered.addAndGet(-inFlight.size());
        inFlight.values().forEach(Runnable::run);
        inFlight.clear();
        tasks.clear();
    }
}
