package io.beamline.ipc.gateway.observability;

import io.beamline.ipc.process.logging.JsonLineEncoder;
import io.beamline.ipc.process.logging.LogFormat;
import java.io.PrintWriter;

/**
 * What the gateway prints itself rather than logs (the "listening" banner on stdout, a failed start on stderr),
 * in the log's format: as it is in text mode, as a JSON line with the text in {@code message} in JSON mode, so
 * that every line the process writes parses, and a search for "listening on" or "admin: http://" still finds it.
 */
public final class ConsoleLines {

    private final LogFormat format;
    private final String logger;

    public ConsoleLines(LogFormat format, Class<?> source) {
        this.format = format;
        this.logger = source.getName();
    }

    /** @param level INFO, WARN or ERROR: the JSON line's {@code level} */
    public void println(PrintWriter to, String level, String text) {
        to.println(format == LogFormat.JSON ? JsonLineEncoder.line(level, logger, text.strip()) : text);
    }
}
