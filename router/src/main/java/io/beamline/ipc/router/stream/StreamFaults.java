package io.beamline.ipc.router.stream;

/**
 * Faults injected into one stream (only with {@code --enable-faults}); every field may be null, meaning none.
 * Chunks are counted as produced: a chunk left out by {@code skipSeq} still counts.
 *
 * @param errorAfter after this many chunks the stream ends with a {@code Beamline-Stream-End: error} message
 * @param skipSeq    the message that would carry this seq (a chunk, or the end message) is not published; the
 *                   seq counter still advances, so the subscriber sees a gap. Beyond the stream's last seq:
 *                   nothing is left out
 * @param stallAfter after this many chunks the stream publishes nothing more, no end message either, and is
 *                   forgotten at once (it no longer counts as running; a cancel finds nothing to end)
 */
public record StreamFaults(Integer errorAfter, Integer skipSeq, Integer stallAfter) {

    public static final StreamFaults NONE = new StreamFaults(null, null, null);
}
