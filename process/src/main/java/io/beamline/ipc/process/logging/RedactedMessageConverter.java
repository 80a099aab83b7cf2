package io.beamline.ipc.process.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.beamline.ipc.process.security.Redaction;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %redactedMsg} of the text pattern: the message with its secrets masked ({@link Redaction#text}),
 * followed by the event's key-value pairs as {@code key=value} (a secret-named key's value masked).
 */
public final class RedactedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        String message = Redaction.text(event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null || pairs.isEmpty()) {
            return message;
        }
        StringBuilder out = new StringBuilder(message);
        for (KeyValuePair kv : pairs) {
            out.append(' ').append(kv.key).append('=').append(LogValues.shown(kv.key, kv.value));
        }
        return out.toString();
    }
}
