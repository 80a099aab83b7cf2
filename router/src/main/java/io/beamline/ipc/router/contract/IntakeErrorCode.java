package io.beamline.ipc.router.contract;

/** The contract's {@code error.intake_error_code} values: which intake stage rejected a request. */
public enum IntakeErrorCode {
    SCHEMA_VALIDATION_FAILED,
    VERSION_UNSUPPORTED,
    CORRELATION_FIELDS_INVALID,
    INTERNAL_VALIDATION_ERROR
}
