package io.beamline.ipc.process.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The log output of a process, set up in code: one appender on stderr ({@link #APPENDER}) writing text or JSON
 * lines, secrets redacted in both. {@link #install} replaces that appender, so a process that learns its format
 * from its configuration can switch before it logs its first line.
 */
public final class LogOutput {

    /** The root logger's appender's name. */
    public static final String APPENDER = "STDERR";

    /** The text layout: time with its offset, level, thread, logger, the redacted message and key-values, the redacted stack. */
    public static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %redactedMsg%n%redactedEx";

    private LogOutput() {
    }

    /** Attaches a started stderr appender of {@code format} to the root logger, in place of the one before. */
    public static void install(LoggerContext context, LogFormat format) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(format == LogFormat.JSON ? json(context) : text(context));
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.Appender<ILoggingEvent> before = root.getAppender(APPENDER);
        root.addAppender(stderr);
        if (before != null) {
            root.detachAppender(before);
            before.stop(); // a console appender's stop leaves System.err open
        }
    }

    /** The text encoder: what {@link #TEXT_PATTERN} says. */
    public static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("redactedMsg", RedactedMessageConverter::new);
        layout.getInstanceConverterMap().put("redactedEx", RedactedThrowableConverter::new);
        layout.setPattern(TEXT_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    // Its own method: the JSON encoder's classes (and Jackson's) are loaded only when it runs.
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}
