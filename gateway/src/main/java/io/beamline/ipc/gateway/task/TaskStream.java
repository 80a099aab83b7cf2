package io.beamline.ipc.gateway.task;

import io.beamline.ipc.protocol.ErrorBody;
import java.util.Optional;

/** A task's streamed output, as the connections that read it see it. */
public interface TaskStream {

    String taskId();

    /**
     * Sends {@code sink} the chunks still held from {@code fromSeq} on, then the live ones and the end; a stream
     * that has ended sends its end after the replay.
     *
     * @param owner the submitting request's sink: when it leaves ({@link #detach}) the stream is cancelled
     * @return why it cannot attach (chunks from {@code fromSeq} are no longer held), or empty
     */
    Optional<ErrorBody> attach(long fromSeq, StreamSink sink, boolean owner);

    /** The sink's connection went away; the owner leaving cancels the stream. */
    void detach(StreamSink sink);

    /** The sink could not keep up (its client does not read): the stream ends with {@code overflow}. */
    void overflowed(StreamSink sink);
}
