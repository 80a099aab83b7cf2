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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beamline.router.v1.decide}: every request that has a reply inbox gets exactly one reply, whatever
 * its body — a bug in the Router becomes an {@code internal} error reply, never silence. The only
 * exceptions are injected faults (Router started with {@code --enable-faults}): no reply, a late reply, a
 * forced error or a malformed reply. A delayed reply is sent from a scheduler, so the dispatcher goes on
 * with the next request meanwhile.
 */
final class DecideEndpoint implements ServiceMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DecideEndpoint.class);
    private static final Runnable NOTHING = () -> { };

    /** What to send for one request, when, and what to do once it is sent (start its stream). */
    private record Reply(byte[] body, Headers headers, long afterMs, Runnable afterSent) {
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

    DecideEndpoint(Connection connection, DecideRequestParser parser, DecisionEngine engine, LoadMeter load,
                   DecisionLog log, FaultInjector faults, DelayedReplies delayed, TaskStreams streams) {
        this.connection = connection;
        this.parser = parser;
        this.engine = engine;
        this.writer = new ReplyWriter(parser.mapper());
        this.load = load;
        this.log = log;
        this.faults = faults;
        this.delayed = delayed;
        this.streams = streams;
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
            reply = errorReply(ContractError.internal("Unexpected router failure"), ReplyContext.unknown(), 0);
        }
        if (reply == null) {
            load.finished(started);
            return;
        }
        Reply r = reply;
        // A delayed reply still counts as in flight for the backpressure status until it is sent.
        delayed.run(r.afterMs(), () -> {
            try {
                msg.respond(connection, r.body(), r.headers());
                r.afterSent().run();
            } finally {
                load.finished(started);
            }
        });
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
            return errorReply(FaultInjector.badFaultSpec(e), context, 0);
        }
        if (fault.dropsReply()) {
            LOG.info("fault no_reply: request_id {} gets no reply", context.requestId());
            return null;
        }
        long after = fault.replyAfterMs();
        if (fault.repliesMalformed()) {
            return new Reply(FaultInjector.malformedBody(), new Headers(), after, NOTHING);
        }
        if (fault.error() != null) {
            return errorReply(FaultInjector.error(fault.error(), request), context, after);
        }
        if (request == null) {
            return errorReply(((ParseOutcome.Invalid) parsed).error(), context, after);
        }
        try {
            DecideOutcome outcome = engine.decide(request);
            if (outcome instanceof DecideOutcome.Decided decided) {
                byte[] body = writer.success(decided.decision(), context);
                log.record(request.requestId(), request.tenantId(), body);
                Runnable afterSent = request.stream() ? () -> streams.start(request, fault) : NOTHING;
                return new Reply(body, ReplyHeaders.forReply(context, null), after, afterSent);
            }
            return errorReply(((DecideOutcome.Refused) outcome).error(), context, after);
        } catch (RuntimeException e) {
            LOG.error("decide failed for request_id {}", context.requestId(), e);
            return errorReply(ContractError.internal("Unexpected router failure"), context, after);
        }
    }

    private Reply errorReply(ContractError error, ReplyContext context, long afterMs) {
        return new Reply(writer.error(error, context), ReplyHeaders.forReply(context, error), afterMs, NOTHING);
    }
}
