package io.beamline.ipc.router.fault;

/** A fault header or a policy's {@code faults} entry with a value that cannot be used; names the field. */
public final class FaultSpecException extends IllegalArgumentException {

    private final String field;

    public FaultSpecException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The header name or {@code faults.<key>} that was wrong. */
    public String field() {
        return field;
    }
}
