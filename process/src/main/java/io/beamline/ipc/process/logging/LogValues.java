package io.beamline.ipc.process.logging;

import io.beamline.ipc.process.security.Redaction;

/** How a structured field's value is shown in either format: a secret-named key's value masked, text redacted. */
final class LogValues {

    private LogValues() {
    }

    static String shown(String key, Object value) {
        if (Redaction.isSecretName(key)) {
            return Redaction.MASK;
        }
        return Redaction.text(String.valueOf(value));
    }
}
