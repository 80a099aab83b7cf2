package io.beamline.ipc.router.service;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.DecideRequest;
import io.beamline.ipc.router.contract.DecideRequestParser;
import io.beamline.ipc.router.contract.ParseOutcome;
import io.beamline.ipc.router.contract.ReplyContext;
import io.beamline.ipc.router.contract.ReplyWriter;
import io.beamline.ipc.router.decide.DecideOutcome;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.beamline.ipc.router.fault.FaultInjector;
import io.beamline.ipc.router.fault.FaultPlan;
import io.beamline.ipc.router.fault.FaultSpecException;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import io.nats.service.ServiceMessageHandler;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beamline.router.v1.decide}: every request that has a reply inbox gets exactly one reply, whatever
 * its body — a bug in the Router becomes an {@code internal} error reply, never silence. The only
 * exceptions are injected faults (Router started with {@code --enable-faults}): no reply, a late reply, a
 * forced error or a malformed reply. A delayed reply is held by {@link DelayedReplies}, so the dispatcher
 * goes on with the next request meanwhile, and a cancel may answer it first (with {@code cancelled}).
 */
final class DecideEndpoint implements ServiceMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DecideEndpoint.class);
    private static final Runnable NOTHING = () -> { };

    /**
     * What to send for one request, when, and around sending: {@code beforeSent} keeps a decision for
     * get_decision (only once it is really sent: a held reply may still be cancelled), {@code afterSent}
     * starts its stream. {@code tenantId} is null for an invalid request.
     */
    private record Reply(byte[] body, Headers headers, long afterMs, ReplyContext context, String tenantId,
                         Runnable beforeSent, Runnable afterSent) {
    }

    private final Connection connection;
    private final DecideRequestParser parser;
    private final DecisionEngine engine;
    private final ReplyWriter writer;
    private final LoadMeter load;
    private final DecisionLog log;
    private final FaultInjector faults;
    private final DelayedReplies delayed;
    private final TaskStreams streams;
    private final Supplier<String> instanceId;

    DecideEndpoint(Connection connection, DecideRequestParser parser, DecisionEngine engine, LoadMeter load,
                   DecisionLog log, FaultInjector faults, DelayedReplies delayed, TaskStreams streams,
                   Supplier<String> instanceId) {
        this.connection = connection;
        this.parser = parser;
        this.engine = engine;
        this.writer = new ReplyWriter(parser.mapper());
        this.load = load;
        this.log = log;
        this.faults = faults;
        this.delayed = delayed;
        this.streams = streams;
        this.instanceId = instanceId;
    }

    @Override
    public void onMessage(ServiceMessage msg) {
        if (msg.getReplyTo() == null) {
            return; // a publish without an inbox: nobody to answer
        }
        long started = load.started();
        Reply reply;
        try {
            reply = handle(msg);
        } catch (RuntimeException e) {
            LOG.error("decide failed", e);
            reply = errorReply(ContractError.internal("Unexpected router failure"), ReplyContext.unknown(), null,
                    0);
        }
        if (reply == null) {
            load.finished(started);
            return;
        }
        Reply r = reply;
        String cancellableId = ReplyContext.UNDEFINED.equals(r.context().requestId()) ? null
                : r.context().requestId();
        // A held reply still counts as in flight for the backpressure status until it is sent or cancelled.
        boolean held = delayed.run(r.afterMs(), cancellableId, r.tenantId(), () -> send(msg, r, started),
                reason -> sendCancelled(msg, r, reason, started));
        if (!held) {
            send(msg, errorReply(FaultInjector.delayQueueFull(delayed.max()), r.context(), r.tenantId(), 0),
                    started);
        }
    }

    private void send(ServiceMessage msg, Reply r, long started) {
        try {
            r.beforeSent().run();
            msg.respond(connection, r.body(), r.headers());
            r.afterSent().run();
        } finally {
            load.finished(started);
        }
    }

    /** Instead of a held reply: the {@code cancelled} error, kept for get_decision like a decision. */
    private void sendCancelled(ServiceMessage msg, Reply r, String reason, long started) {
        try {
            ContractError error = ContractError.cancelled(r.context().requestId(), reason);
            byte[] body = writer.error(error, r.context());
            log.recordCancelled(r.context().requestId(), r.tenantId(), body, error, r.context());
            msg.respond(connection, body, withInstance(ReplyHeaders.forReply(r.context(), error)));
        } finally {
            load.finished(started);
        }
    }

    /** Null when a fault says not to reply. */
    private Reply handle(ServiceMessage msg) {
        ParseOutcome parsed = parser.parse(msg.getData(), ReplyHeaders.read(msg));
        DecideRequest request = parsed instanceof ParseOutcome.Valid valid ? valid.request() : null;
        ReplyContext context = request != null ? request.replyContext()
                : ((ParseOutcome.Invalid) parsed).context();
        FaultPlan fault;
        try {
            fault = faults.plan(msg.getHeaders(), request);
        } catch (FaultSpecException e) {
            return errorReply(FaultInjector.badFaultSpec(e), context, tenantOf(request), 0);
        }
        if (fault.dropsReply()) {
            LOG.info("fault no_reply: request_id {} gets no reply", context.requestId());
            return null;
        }
        long after = fault.replyAfterMs();
        if (fault.repliesMalformed()) {
            return new Reply(FaultInjector.malformedBody(), new Headers(), after, context, tenantOf(request), NOTHING,
                    NOTHING);
        }
        if (fault.error() != null) {
            return errorReply(FaultInjector.error(fault.error(), request), context, tenantOf(request), after);
        }
        if (request == null) {
            return errorReply(((ParseOutcome.Invalid) parsed).error(), context, null, after);
        }
        try {
            DecideOutcome outcome = engine.decide(request);
            if (outcome instanceof DecideOutcome.Decided decided) {
                byte[] body = writer.success(decided.decision(), context);
                Runnable record = () -> log.record(request.requestId(), request.tenantId(), body);
                Runnable afterSent = request.stream() ? () -> streams.start(request, fault) : NOTHING;
                return new Reply(body, withInstance(ReplyHeaders.forReply(context, null)), after, context,
                        request.tenantId(), record, afterSent);
            }
            return errorReply(((DecideOutcome.Refused) outcome).error(), context, request.tenantId(), after);
        } catch (RuntimeException e) {
            LOG.error("decide failed for request_id {}", context.requestId(), e);
            return errorReply(ContractError.internal("Unexpected router failure"), context, request.tenantId(),
                    after);
        }
    }

    private Reply errorReply(ContractError error, ReplyContext context, String tenantId, long afterMs) {
        return new Reply(writer.error(error, context), withInstance(ReplyHeaders.forReply(context, error)), afterMs,
                context, tenantId, NOTHING, NOTHING);
    }

    /** Names the Router that answered, so that a client of a queue group can tell the instances apart. */
    private Headers withInstance(Headers h) {
        String id = instanceId.get();
        return id == null ? h : h.put(ReplyHeaders.INSTANCE, id);
    }

    private static String tenantOf(DecideRequest request) {
        return request == null ? null : request.tenantId();
    }
}
