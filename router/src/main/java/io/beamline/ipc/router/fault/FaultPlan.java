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
 * {@code streamErrorAfter} ends a stream with an error after that many chunks; {@code streamSkipSeq} leaves out
 * the stream message that would carry that {@code Beamline-Stream-Seq} (a gap); {@code streamStallAfter}
 * publishes nothing more after that many chunks, no end message either (a silent stream).
 */
public record FaultPlan(Long delayMs, Long lateReplyMs, Boolean noReply, ForcedError error, Boolean malformed,
                        Integer streamErrorAfter, Integer streamSkipSeq, Integer streamStallAfter) {

    /** The longest reply delay accepted, 10 minutes. */
    public static final long MAX_DELAY_MS = 600_000;
    /** The highest chunk count after which a stream may be made to fail. */
    public static final int MAX_STREAM_ERROR_AFTER = 100_000;
    /** The highest seq a stream can have: the end message of a stream of 100,000 chunks. */
    public static final int MAX_STREAM_SKIP_SEQ = 100_001;
    /** The highest chunk count after which a stream may be made to go silent. */
    public static final int MAX_STREAM_STALL_AFTER = 100_000;

    public static final FaultPlan NONE = new FaultPlan(null, null, null, null, null, null, null, null);

    public FaultPlan {
        checkDelay("delay_ms", delayMs);
        checkDelay("late_reply_ms", lateReplyMs);
        checkRange("stream_error_after", streamErrorAfter, 0, MAX_STREAM_ERROR_AFTER);
        checkRange("stream_skip_seq", streamSkipSeq, 1, MAX_STREAM_SKIP_SEQ);
        checkRange("stream_stall_after", streamStallAfter, 0, MAX_STREAM_STALL_AFTER);
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
                streamErrorAfter != null ? streamErrorAfter : base.streamErrorAfter,
                streamSkipSeq != null ? streamSkipSeq : base.streamSkipSeq,
                streamStallAfter != null ? streamStallAfter : base.streamStallAfter);
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

    private static void checkRange(String name, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new FaultSpecException(name, "must be " + min + ".." + max + ", got " + value);
        }
    }

    private static void checkDelay(String name, Long ms) {
        if (ms != null && (ms < 0 || ms > MAX_DELAY_MS)) {
            throw new FaultSpecException(name, "must be 0.." + MAX_DELAY_MS + " ms, got " + ms);
        }
    }
}
