package io.beamline.ipc.gateway.config;

/** An integer in {@code min..max}, both included; its text is rendered from the same bounds it checks. */
public record IntRange(int min, int max) implements ValueKind<Integer> {

    public IntRange {
        if (min > max) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
    }

    @Override
    public String allowed() {
        return "an integer in " + min + ".." + max;
    }

    @Override
    public Integer parse(String text) {
        long v;
        try {
            // Parsed as a long so that a value just past Integer.MAX_VALUE reads "out of range", not "not an integer".
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
        }
        return (int) v;
    }
}
