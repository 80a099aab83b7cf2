package io.beamline.ipc.gateway.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.beamline.ipc.process.logging.LogFormat;
import io.beamline.ipc.process.logging.LogOutput;
import org.slf4j.LoggerFactory;

/**
 * The gateway's logging set up in code, found by logback through {@code META-INF/services}: what a
 * {@code logback.xml} would say, without logback's XML configuration machinery (Joran and a SAX parser, some 600
 * classes loaded before the gateway can listen; issue 10). Logs go to stderr, text or JSON lines, secrets
 * redacted ({@link LogOutput}); stdout is for what the user asked to see (where the gateway listens). Netty logs
 * warnings only.
 *
 * <p>The format is known before the first line: logback calls this on the first logger asked for, and the
 * environment's {@code BEAMLINE_LOG_FORMAT} is read here; {@link #use} applies {@code log.format} from the whole
 * configuration (file, flag) once it is loaded, before the gateway logs anything.
 *
 * <p>A {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on the class path (the tests) still wins:
 * then this steps aside, logback's own configurators run, and {@link #use} changes nothing.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** The environment name of {@code log.format} (GatewaySettings derives the same). */
    static final String FORMAT_ENV = "BEAMLINE_LOG_FORMAT";

    private static volatile LogFormat installed; // null: logback was configured by another configurator

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogFormat format = fromEnvironment(System.getenv(FORMAT_ENV));
        LogOutput.install(context, format);
        installed = format;
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** A bad value is text here: the configuration, loaded next, reports it and stops the start. */
    static LogFormat fromEnvironment(String value) {
        try {
            return value == null ? LogFormat.TEXT : LogFormat.parse(value);
        } catch (IllegalArgumentException e) {
            return LogFormat.TEXT;
        }
    }

    /** Writes log lines in {@code format} from now on (when this configurator set logging up). */
    public static void use(LogFormat format) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory(); // runs configure() first
        if (installed != null && installed != format) {
            LogOutput.install(context, format);
            installed = format;
        }
    }
}
