package io.beamline.ipc.process.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.beamline.ipc.process.security.Redaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line: {@code time} (ISO-8601 with the offset), {@code level}, {@code logger},
 * {@code thread}, {@code message}, then the event's key-value pairs and MDC entries as fields of their own
 * (numbers and booleans as such), and {@code exception} (the stack trace as one string) when there is one.
 * Every text is redacted ({@link Redaction#text}); a secret-named field's value is masked whole.
 *
 * <p>Written with Jackson's streaming generator rather than logback's {@code JsonEncoder}, whose shape is its own
 * (epoch-millisecond timestamps, {@code kvpList} and {@code mdc} nested, the throwable as a nested object) and
 * which cannot redact. Loaded only in JSON mode: text mode loads no Jackson class.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());
    /** The fields every line has; a key-value pair or MDC entry of the same name gets a {@code _} appended. */
    private static final Set<String> FIXED = Set.of("time", "level", "logger", "thread", "message", "exception");
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(event.getInstant()));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", Redaction.text(event.getFormattedMessage()));
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            if (pairs != null) {
                for (KeyValuePair kv : pairs) {
                    field(g, kv.key, kv.value);
                }
            }
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    field(g, e.getKey(), e.getValue());
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", Redaction.text(ThrowableProxyUtil.asString(thrown)));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * A line of the same shape for what the process prints itself rather than logs (the "listening" banner on
     * stdout), so that in JSON mode every line it writes is JSON; no line end.
     */
    public static String line(String level, String logger, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(Instant.now()));
            g.writeStringField("level", level);
            g.writeStringField("logger", logger);
            g.writeStringField("thread", Thread.currentThread().getName());
            g.writeStringField("message", Redaction.text(message));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void field(JsonGenerator g, String key, Object value) throws IOException {
        if (key == null) {
            return;
        }
        String name = FIXED.contains(key) ? key + "_" : key;
        if (value == null) {
            g.writeNullField(name);
        } else if (value instanceof Number n && !Redaction.isSecretName(key)) {
            g.writeFieldName(name);
            writeNumber(g, n);
        } else if (value instanceof Boolean b) {
            g.writeBooleanField(name, b);
        } else {
            g.writeStringField(name, LogValues.shown(key, value));
        }
    }

    private static void writeNumber(JsonGenerator g, Number n) throws IOException {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            g.writeNumber(n.longValue());
        } else if (n instanceof Double || n instanceof Float) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeNumber(n.toString()); // BigDecimal, BigInteger, others: their own text
        }
    }
}
