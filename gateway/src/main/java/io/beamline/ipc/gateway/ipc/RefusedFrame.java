package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.Frame;

/**
 * Travels up the pipeline in place of a frame the decoder refused by its header alone and skips (its body is
 * never held): answered with {@code error} under the request's version and id, in its place among the
 * connection's answers. The connection stays open.
 *
 * @param request the refused frame's header, with an empty payload
 */
record RefusedFrame(Frame request, ErrorBody error) {
}
