package io.beamline.ipc.router.service;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.DecideRequestParser;
import io.beamline.ipc.router.contract.ParseOutcome;
import io.beamline.ipc.router.contract.ReplyContext;
import io.beamline.ipc.router.contract.ReplyWriter;
import io.beamline.ipc.router.decide.DecideOutcome;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.nats.client.Connection;
import io.nats.service.ServiceMessage;
import io.nats.service.ServiceMessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beamline.router.v1.decide}: every request that has a reply inbox gets exactly one reply, whatever
 * its body — a bug in the Router becomes an {@code internal} error reply, never silence.
 */
final class DecideEndpoint implements ServiceMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DecideEndpoint.class);

    private final Connection connection;
    private final DecideRequestParser parser;
    private final DecisionEngine engine;
    private final ReplyWriter writer;
    private final LoadMeter load;
    private final DecisionLog log;

    DecideEndpoint(Connection connection, DecideRequestParser parser, DecisionEngine engine, LoadMeter load,
                   DecisionLog log) {
        this.connection = connection;
        this.parser = parser;
        this.engine = engine;
        this.writer = new ReplyWriter(parser.mapper());
        this.load = load;
        this.log = log;
    }

    @Override
    public void onMessage(ServiceMessage msg) {
        if (msg.getReplyTo() == null) {
            return; // a publish without an inbox: nobody to answer
        }
        long started = load.started();
        try {
            handle(msg);
        } finally {
            load.finished(started);
        }
    }

    private void handle(ServiceMessage msg) {
        ReplyContext context = ReplyContext.unknown();
        try {
            ParseOutcome parsed = parser.parse(msg.getData(), ReplyHeaders.read(msg));
            if (parsed instanceof ParseOutcome.Invalid invalid) {
                respondError(msg, invalid.error(), invalid.context());
                return;
            }
            var request = ((ParseOutcome.Valid) parsed).request();
            context = request.replyContext();
            DecideOutcome outcome = engine.decide(request);
            if (outcome instanceof DecideOutcome.Decided decided) {
                byte[] reply = writer.success(decided.decision(), context);
                log.record(request.requestId(), request.tenantId(), reply);
                msg.respond(connection, reply, ReplyHeaders.forReply(context, null));
            } else {
                respondError(msg, ((DecideOutcome.Refused) outcome).error(), context);
            }
        } catch (RuntimeException e) {
            LOG.error("decide failed for request_id {}", context.requestId(), e);
            respondError(msg, ContractError.internal("Unexpected router failure"), context);
        }
    }

    private void respondError(ServiceMessage msg, ContractError error, ReplyContext context) {
        msg.respond(connection, writer.error(error, context), ReplyHeaders.forReply(context, error));
    }
}
