package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.FrameException;

/**
 * Travels up the pipeline in place of a frame, so its answer keeps its place among pipelined answers: a bad
 * header, or a frame that did not complete in time. The connection closes after its answer.
 */
record DecodeFailure(ErrorBody error) {

    static DecodeFailure of(FrameException cause) {
        return new DecodeFailure(ErrorBody.of(cause.code(), cause.getMessage()));
    }
}
