package io.beamline.ipc.process.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The two encoders on events made here: the JSON line's shape and fields, redaction in both formats. */
class LogOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("io.beamline.ipc.gateway.ipc.IpcServer");

    {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as logback's start-up does
    }

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
        LoggingEvent e = new LoggingEvent("test", logger, level, message, thrown, args);
        e.setThreadName("epoll-1");
        return e;
    }

    private static String encoded(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    private JsonNode json(ILoggingEvent event) throws Exception {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        String line = encoded(encoder, event);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n"); // one line, whatever the message
        return JSON.readTree(line);
    }

    @Test
    void aJsonLineHasTheFixedFieldsAndNothingElse() throws Exception {
        JsonNode line = json(event(Level.INFO, "listening on {}", null, "/tmp/gw.sock"));
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("io.beamline.ipc.gateway.ipc.IpcServer");
        assertThat(line.get("thread").asText()).isEqualTo("epoll-1");
        assertThat(line.get("message").asText()).isEqualTo("listening on /tmp/gw.sock");
        assertThat(line.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)");
        OffsetDateTime.parse(line.get("time").asText()); // ISO-8601 with its offset
        assertThat(line.properties()).hasSize(5);
    }

    @Test
    void keyValuePairsAndMdcBecomeFieldsOfTheirOwn() throws Exception {
        LoggingEvent e = event(Level.DEBUG, "answered", null);
        e.addKeyValuePair(new KeyValuePair("task_id", "t-1"));
        e.addKeyValuePair(new KeyValuePair("uid", 1000));
        e.addKeyValuePair(new KeyValuePair("latency_ms", 12L));
        e.addKeyValuePair(new KeyValuePair("retryable", true));
        e.addKeyValuePair(new KeyValuePair("message", "clash"));
        e.addKeyValuePair(new KeyValuePair("token", "tk-secret"));
        e.addKeyValuePair(new KeyValuePair("reason", "nats://bob:pw7@h:1 refused"));
        e.setMDCPropertyMap(Map.of("trace_id", "0af7651916cd43dd8448eb211c80319c"));
        JsonNode line = json(e);
        assertThat(line.get("task_id").asText()).isEqualTo("t-1");
        assertThat(line.get("uid").isIntegralNumber()).isTrue();
        assertThat(line.get("uid").asInt()).isEqualTo(1000);
        assertThat(line.get("latency_ms").asLong()).isEqualTo(12L);
        assertThat(line.get("retryable").isBoolean()).isTrue();
        assertThat(line.get("message").asText()).isEqualTo("answered");
        assertThat(line.get("message_").asText()).isEqualTo("clash");
        assertThat(line.get("token").asText()).isEqualTo("****");
        assertThat(line.get("reason").asText()).isEqualTo("nats://bob:****@h:1 refused");
        assertThat(line.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void anExceptionIsOneStringFieldWithItsStackRedacted() throws Exception {
        Exception cause = new IllegalStateException("connect to nats://alice:pw-x1@127.0.0.1:4222 failed, password=pw-x1");
        JsonNode line = json(event(Level.ERROR, "request failed unexpectedly", new RuntimeException("outer", cause)));
        String exception = line.get("exception").asText();
        assertThat(exception).startsWith("java.lang.RuntimeException: outer")
                .contains("Caused by: java.lang.IllegalStateException: connect to nats://alice:****@127.0.0.1:4222 failed, password=****")
                .contains("at io.beamline.ipc.process.logging.LogOutputTest")
                .doesNotContain("pw-x1");
    }

    @Test
    void theMessageIsRedactedInJson() throws Exception {
        JsonNode line = json(event(Level.WARN, "connected to {} with {}", null, "tls://tok-77@h:4222",
                "{\"password\":\"pw-88\"}"));
        assertThat(line.get("message").asText()).isEqualTo("connected to tls://****@h:4222 with {\"password\":\"****\"}");
    }

    @Test
    void theTextLineIsRedactedToo() {
        Encoder<ILoggingEvent> text = LogOutput.text(context);
        LoggingEvent e = event(Level.INFO, "connected to {} token={}", new RuntimeException("Authorization: Bearer abc.def"),
                "nats://alice:pw-9@127.0.0.1:4222", "tk-1");
        e.addKeyValuePair(new KeyValuePair("status", 200));
        e.addKeyValuePair(new KeyValuePair("secret", "s-3"));
        String line = encoded(text, e);
        assertThat(line).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[epoll-1\\] "
                + "i\\.b\\.i\\.g\\.ipc\\.IpcServer - connected to nats://alice:\\*\\*\\*\\*@127\\.0\\.0\\.1:4222 token=\\*\\*\\*\\* "
                + "status=200 secret=\\*\\*\\*\\*\\R"
                + "java\\.lang\\.RuntimeException: Authorization: Bearer \\*\\*\\*\\*\\R\tat .*");
        assertThat(line).doesNotContain("pw-9").doesNotContain("tk-1").doesNotContain("s-3").doesNotContain("abc.def");
    }

    @Test
    void aBannerLineHasTheSameShape() throws Exception {
        JsonNode line = JSON.readTree(JsonLineEncoder.line("INFO", "io.beamline.ipc.gateway.GatewayMain",
                "Beamline IPC gateway dev listening on /tmp/gw.sock"));
        assertThat(line.get("message").asText()).isEqualTo("Beamline IPC gateway dev listening on /tmp/gw.sock");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("io.beamline.ipc.gateway.GatewayMain");
        assertThat(line.has("time")).isTrue();
        assertThat(line.has("thread")).isTrue();
    }

    @Test
    void installReplacesTheStderrAppender() {
        LogOutput.install(context, LogFormat.TEXT);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        var first = root.getAppender(LogOutput.APPENDER);
        LogOutput.install(context, LogFormat.JSON);
        var second = root.getAppender(LogOutput.APPENDER);
        assertThat(second).isNotSameAs(first);
        assertThat(first.isStarted()).isFalse();
        assertThat(((ch.qos.logback.core.ConsoleAppender<ILoggingEvent>) second).getEncoder())
                .isInstanceOf(JsonLineEncoder.class);
        assertThat(root.iteratorForAppenders()).toIterable().hasSize(1);
    }

    @Test
    void formatsParse() {
        assertThat(LogFormat.parse(" JSON ")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse("text")).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> LogFormat.parse("xml")).isInstanceOf(IllegalArgumentException.class);
    }
}
