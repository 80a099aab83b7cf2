package io.beamline.ipc.router.fault;

/**
 * The faults to inject into one decide request. Every field may be null, meaning "not asked for", so that
 * a plan from the request's headers can be laid over the plan of its policy field by field
 * ({@link #over(FaultPlan)}).
 *
 * <p>What the Router does with a plan, strongest first: {@code noReply} sends nothing (no stream either);
 * {@code malformed} replies with bytes that are not JSON; {@code error} replies with that error instead of
 * deciding; otherwise it decides as usual. Whatever reply there is, it is sent {@link #replyAfterMs()} after
 * the request was read ({@code delayMs + lateReplyMs}: one mechanism, two names for test readability).
 * {@code streamErrorAfter} ends a stream with an error after that many chunks.
 */
public record FaultPlan(Long delayMs, Long lateReplyMs, Boolean noReply, ForcedError error, Boolean malformed,
                        Integer streamErrorAfter) {

    /** The longest reply delay accepted, 10 minutes. */
    public static final long MAX_DELAY_MS = 600_000;
    /** The highest chunk count after which a stream may be made to fail. */
    public static final int MAX_STREAM_ERROR_AFTER = 100_000;

    public static final FaultPlan NONE = new FaultPlan(null, null, null, null, null, null);

    public FaultPlan {
        checkDelay("delay_ms", delayMs);
        checkDelay("late_reply_ms", lateReplyMs);
        if (streamErrorAfter != null && (streamErrorAfter < 0 || streamErrorAfter > MAX_STREAM_ERROR_AFTER)) {
            throw new FaultSpecException("stream_error_after", "must be 0.." + MAX_STREAM_ERROR_AFTER + ", got "
                    + streamErrorAfter);
        }
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /** This plan's fields where set, else {@code base}'s: a header plan over a policy plan. */
    public FaultPlan over(FaultPlan base) {
        return new FaultPlan(delayMs != null ? delayMs : base.delayMs,
                lateReplyMs != null ? lateReplyMs : base.lateReplyMs,
                noReply != null ? noReply : base.noReply,
                error != null ? error : base.error,
                malformed != null ? malformed : base.malformed,
                streamErrorAfter != null ? streamErrorAfter : base.streamErrorAfter);
    }

    public long replyAfterMs() {
        return (delayMs == null ? 0 : delayMs) + (lateReplyMs == null ? 0 : lateReplyMs);
    }

    public boolean dropsReply() {
        return Boolean.TRUE.equals(noReply);
    }

    public boolean repliesMalformed() {
        return Boolean.TRUE.equals(malformed);
    }

    private static void checkDelay(String name, Long ms) {
        if (ms != null && (ms < 0 || ms > MAX_DELAY_MS)) {
            throw new FaultSpecException(name, "must be 0.." + MAX_DELAY_MS + " ms, got " + ms);
        }
    }
}
