package io.beamline.ipc.router.service;

import io.beamline.ipc.router.contract.ContractError;
import io.beamline.ipc.router.contract.ReplyContext;
import io.beamline.ipc.router.contract.RequestHeaders;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;

/** Headers in and out of the decide endpoint. */
final class ReplyHeaders {

    /** On decide replies: the NATS service id ({@code $SRV} id) of the Router that answered. */
    static final String INSTANCE = "Beamline-Router-Instance";

    private ReplyHeaders() {
    }

    static RequestHeaders read(ServiceMessage msg) {
        if (!msg.hasHeaders()) {
            return RequestHeaders.NONE;
        }
        Headers h = msg.getHeaders();
        return new RequestHeaders(first(h, RequestHeaders.TRACE_ID), first(h, RequestHeaders.TENANT_ID),
                first(h, RequestHeaders.VERSION), first(h, RequestHeaders.TRACEPARENT));
    }

    /** trace_id when known; on errors also the NATS service error pair, so service tooling counts them. */
    static Headers forReply(ReplyContext context, ContractError error) {
        Headers h = new Headers();
        if (context.traceId() != null) {
            h.put(RequestHeaders.TRACE_ID, context.traceId());
        }
        if (error != null) {
            h.put(ServiceMessage.NATS_SERVICE_ERROR, printableAscii(error.code() + ": " + error.message()));
            h.put(ServiceMessage.NATS_SERVICE_ERROR_CODE, Integer.toString(error.serviceStatus()));
        }
        return h;
    }

    /** Header values must be printable ASCII; a message may quote client text (e.g. a bad version). */
    static String printableAscii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static String first(Headers h, String name) {
        var values = h.getIgnoreCase(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
