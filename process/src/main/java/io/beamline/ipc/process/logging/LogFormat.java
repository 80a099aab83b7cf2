package io.beamline.ipc.process.logging;

import java.util.Locale;

/** How log lines are written: {@code text} for a person at a terminal, {@code json} (one object per line) for a collector. */
public enum LogFormat {
    TEXT, JSON;

    /** {@code text} or {@code json}, any case, blanks around ignored; else {@link IllegalArgumentException}. */
    public static LogFormat parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("unknown log format");
        };
    }

    /** The name as configured: {@code text} or {@code json}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
