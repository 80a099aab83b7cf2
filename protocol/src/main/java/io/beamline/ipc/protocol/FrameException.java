package io.beamline.ipc.protocol;

/** A frame header that cannot be accepted; {@link #fatal()} ones end the connection after the answer. */
public final class FrameException extends ProtocolException {

    private final boolean fatal;

    public FrameException(ErrorCode code, String message, boolean fatal) {
        super(code, message);
        this.fatal = fatal;
    }

    public boolean fatal() {
        return fatal;
    }
}
