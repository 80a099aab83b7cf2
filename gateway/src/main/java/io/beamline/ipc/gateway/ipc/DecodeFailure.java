package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.FrameException;

/** Travels up the pipeline in place of a frame, so its answer keeps its place among pipelined answers. */
record DecodeFailure(FrameException cause) {
}
