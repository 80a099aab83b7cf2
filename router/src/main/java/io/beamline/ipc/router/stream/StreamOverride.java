package io.beamline.ipc.router.stream;

/**
 * A policy's {@code "stream": {"chunks":N, "chunk_bytes":N, "interval_ms":N}}: each field set replaces the
 * Router's setting for requests of that policy; null fields keep it.
 */
public record StreamOverride(Integer chunks, Integer chunkBytes, Long intervalMs) {

    public static final StreamOverride NONE = new StreamOverride(null, null, null);

    public StreamOverride {
        // Checked with the same rules as the Router's own settings.
        new StreamSettings(chunks == null ? 1 : chunks, chunkBytes == null ? 1 : chunkBytes,
                intervalMs == null ? 0 : intervalMs);
    }

    public StreamSettings over(StreamSettings base) {
        return new StreamSettings(chunks != null ? chunks : base.chunks(),
                chunkBytes != null ? chunkBytes : base.chunkBytes(),
                intervalMs != null ? intervalMs : base.intervalMs());
    }
}
