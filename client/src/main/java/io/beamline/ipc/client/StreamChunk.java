package io.beamline.ipc.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * One STREAM_DATA frame: a piece of a task's output, in the Router's order. The gateway sends a chunk that
 * is valid UTF-8 as text ({@code "data"}) and any other as base64 ({@code "data_base64"}); {@link #data()}
 * gives the bytes either way, {@link #text()} the text when it came as text.
 */
public final class StreamChunk {

    private final String taskId;
    private final long seq;
    private final String text;
    private final byte[] bytes;

    private StreamChunk(String taskId, long seq, String text, byte[] bytes) {
        this.taskId = taskId;
        this.seq = seq;
        this.text = text;
        this.bytes = bytes;
    }

    /** A chunk sent as {@code "data"}. */
    public static StreamChunk ofText(String taskId, long seq, String text) {
        return new StreamChunk(taskId, seq, Objects.requireNonNull(text, "text"), null);
    }

    /** A chunk sent as {@code "data_base64"}, already decoded. */
    public static StreamChunk ofBytes(String taskId, long seq, byte[] bytes) {
        return new StreamChunk(taskId, seq, null, Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** The task the chunk belongs to, as the gateway named it (null if it did not). */
    public String taskId() {
        return taskId;
    }

    /** The chunk's sequence number: 1 for the first chunk of the task's output, then one more each. */
    public long seq() {
        return seq;
    }

    /** True when the chunk came as text ({@code "data"}); false for {@code "data_base64"}. */
    public boolean isText() {
        return text != null;
    }

    /** The text, when the chunk came as text. */
    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    /** The chunk's bytes (a copy): the UTF-8 of its text, or the decoded base64. */
    public byte[] data() {
        return text != null ? text.getBytes(StandardCharsets.UTF_8) : bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamChunk c && c.seq == seq && Objects.equals(c.taskId, taskId)
                && Objects.equals(c.text, text) && java.util.Arrays.equals(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, seq, text) * 31 + java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "StreamChunk[task_id=" + taskId + ", seq=" + seq + ", "
                + (text != null ? text.length() + " chars" : bytes.length + " bytes") + "]";
    }
}
