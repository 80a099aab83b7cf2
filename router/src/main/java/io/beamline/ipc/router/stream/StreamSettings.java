package io.beamline.ipc.router.stream;

/**
 * Shape of a task's output stream: how many chunks, how big each one is, and the pause before each.
 *
 * @param chunks     number of data chunks before the completion message, 0..100000
 * @param chunkBytes size of each chunk's body, 1..1048576
 * @param intervalMs pause before each chunk (the first one counts from the decide reply), 0..60000
 */
public record StreamSettings(int chunks, int chunkBytes, long intervalMs) {

    public static final StreamSettings DEFAULT = new StreamSettings(5, 256, 10);

    public StreamSettings {
        check(chunks >= 0 && chunks <= 100_000, "stream-chunks", chunks, "0..100000");
        check(chunkBytes >= 1 && chunkBytes <= 1_048_576, "stream-chunk-bytes", chunkBytes, "1..1048576");
        check(intervalMs >= 0 && intervalMs <= 60_000, "stream-interval-ms", intervalMs, "0..60000");
    }

    private static void check(boolean ok, String setting, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("--" + setting + ": \"" + value + "\" is not valid; expected "
                    + allowed);
        }
    }
}
