package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a task's streamed output goes: a connection that submitted the task or subscribed to it. Called on
 * the thread that reads the stream, in order: chunks, then exactly one {@link #end}.
 */
public interface StreamSink {

    /**
     * One chunk: the STREAM_DATA payload {@code {"task_id","seq","data"|"data_base64"}}, as JSON bytes (made
     * once per chunk, whatever the number of sinks and replays).
     */
    void chunk(long seq, byte[] payload);

    /**
     * The terminal frame's payload: STREAM_COMPLETE ({@code "ok":true}) or STREAM_ERROR ({@code "ok":false}),
     * with the status and the counts of what was streamed.
     */
    void end(ObjectNode payload);
}
