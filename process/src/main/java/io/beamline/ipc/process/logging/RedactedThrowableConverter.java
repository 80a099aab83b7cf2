package io.beamline.ipc.process.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.beamline.ipc.process.security.Redaction;

/** {@code %redactedEx} of the text pattern: the stack trace, with secrets in its messages masked (a URL in a connect error). */
public final class RedactedThrowableConverter extends ThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.text(super.convert(event));
    }
}
