package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

/**
 * One message of a task's stream from the Router ({@code beamline.router.v1.stream.<request_id>}), read:
 * a chunk, the end, or a message that breaks the stream contract. Every message carries
 * {@code Beamline-Stream-Seq} (1, 2, … over the data and the end message); the end carries
 * {@code Beamline-Stream-End}.
 */
public sealed interface StreamEvent {

    String SEQ = "Beamline-Stream-Seq";
    String END = "Beamline-Stream-End";

    long seq();

    record Chunk(long seq, byte[] data) implements StreamEvent {
    }

    /** The Router ended the stream; {@code error} is its error through the translation table. */
    record End(long seq, EndKind kind, ObjectNode body, ErrorBody error) implements StreamEvent {
    }

    /** A message without a usable sequence number or end kind: the stream can no longer be trusted. */
    record Unreadable(long seq, String why) implements StreamEvent {
    }

    enum EndKind { COMPLETE, ERROR, CANCELLED }

    static StreamEvent read(Message message) {
        Headers h = message.getHeaders();
        String seqText = h == null ? null : h.getFirst(SEQ);
        long seq;
        try {
            seq = Long.parseLong(seqText);
        } catch (NumberFormatException e) {
            return new Unreadable(-1, "a stream message without a numeric " + SEQ + " header");
        }
        String end = h.getFirst(END);
        if (end == null) {
            return new Chunk(seq, message.getData() == null ? new byte[0] : message.getData());
        }
        ObjectNode body;
        try {
            body = Json.parseObject(message.getData() == null ? new byte[0] : message.getData());
        } catch (ProtocolException e) {
            body = Json.mapper().createObjectNode();
        }
        return switch (end) {
            case "complete" -> new End(seq, EndKind.COMPLETE, body, null);
            case "cancelled" -> new End(seq, EndKind.CANCELLED, body,
                    ErrorTranslation.cancelled("the Router cancelled the stream"));
            case "error" -> new End(seq, EndKind.ERROR, body, errorOf(body));
            default -> new Unreadable(seq, "unknown " + END + " '" + end + "'");
        };
    }

    /** The Router's error in the contract's shape, through the table; else a bad reply. */
    private static ErrorBody errorOf(ObjectNode body) {
        return switch (RouterReply.parse(Json.write(body))) {
            case RouterReply.Rejected r -> ErrorTranslation.fromRouter(r.error(), r.message());
            default -> ErrorTranslation.badReply("a stream error end without an error object");
        };
    }
}
