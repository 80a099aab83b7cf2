package io.beamline.ipc.gateway.routerclient;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C trace context (traceparent {@code 00-<32 hex trace-id>-<16 hex span-id>-<2 hex flags>}).
 * The gateway continues a client's trace with a new span of its own, or starts a new trace. Its span goes to
 * the Router twice: in {@link #traceparent()} and alone, as the {@code span_id} header.
 *
 * @param spanId 16 hex: this context's own span
 */
public record TraceContext(String traceId, String spanId, String flags) {

    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The client's context, or empty when the header is absent or invalid (W3C: an invalid traceparent
     * is ignored and a new trace starts). Version ff and all-zero ids are invalid.
     */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var m = TRACEPARENT.matcher(traceparent.trim());
        if (!m.matches() || m.group(1).equals("ff") || m.group(2).equals(ZERO_TRACE)
                || m.group(3).equals(ZERO_SPAN) || (m.group(1).equals("00") && m.group(5) != null)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(m.group(2), m.group(3), m.group(4)));
    }

    /** A new trace, sampled. */
    public static TraceContext newTrace() {
        return new TraceContext(randomHex(16, ZERO_TRACE), randomHex(8, ZERO_SPAN), "01");
    }

    /** A new span in the same trace, this context as its parent. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8, ZERO_SPAN), flags);
    }

    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String randomHex(int bytes, String zero) {
        byte[] b = new byte[bytes];
        String hex;
        do {
            ThreadLocalRandom.current().nextBytes(b);
            hex = HEX.formatHex(b);
        } while (hex.equals(zero));
        return hex;
    }
}
