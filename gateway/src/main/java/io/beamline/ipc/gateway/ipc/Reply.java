package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.protocol.Frame;

/** What goes back for one request: its answer frame and, for a stream, the stream that follows it. */
record Reply(Frame frame, TaskAnswer.Streaming stream) {

    static Reply of(Frame frame) {
        return new Reply(frame, null);
    }
}
