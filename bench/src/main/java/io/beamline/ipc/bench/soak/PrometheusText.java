package io.beamline.ipc.bench.soak;

import java.util.OptionalDouble;

/**
 * Reads values out of a Prometheus text exposition (what the gateway's {@code /metrics} serves). Only as
 * much of the format as the soak needs: {@code name{labels} value} lines, comments skipped.
 */
final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The sum of every series of {@code name} whose label set contains {@code labelFragment} (e.g.
     * {@code area="heap"}; empty for all series), or empty if there is none.
     */
    static OptionalDouble sum(String text, String name, String labelFragment) {
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            String labels = "";
            if (rest.startsWith("{")) {
                int close = rest.lastIndexOf('}');
                if (close < 0) {
                    continue;
                }
                labels = rest.substring(1, close);
                rest = rest.substring(close + 1);
            } else if (!rest.startsWith(" ")) {
                continue; // a longer name with this prefix
            }
            if (!labels.contains(labelFragment)) {
                continue;
            }
            String[] parts = rest.trim().split("\\s+"); // value, then an optional timestamp
            try {
                total += Double.parseDouble(parts[0]);
                found = true;
            } catch (NumberFormatException e) {
                // not a sample line of this metric
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }
}
