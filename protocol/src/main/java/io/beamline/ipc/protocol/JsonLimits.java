package io.beamline.ipc.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * What one JSON payload may hold, checked by Jackson while it tokenises (so a payload over a limit costs no
 * more than the bytes read up to it), for the tree reads and the streaming submit read alike. Each limit has
 * its own reason, answered with INVALID_PAYLOAD (docs/PROTOCOL.md, "JSON limits"). The member count is not a
 * Jackson constraint: {@link SubmitPayload} counts members where it walks a submit.
 */
final class JsonLimits extends StreamReadConstraints {

    /** Deep enough for any real payload, shallow enough that a hostile one costs nothing. */
    static final int MAX_NESTING_DEPTH = 64;
    /** A string (in characters) as long as the default largest frame: one big text (a file) fits. */
    static final int MAX_STRING_CHARS = Frame.MAX_FRAME_BYTES;
    /** Digits of one number (integer and fraction part; Jackson's count): far beyond a long or a double. */
    static final int MAX_NUMBER_CHARS = 1000;
    /** A member name, in characters: a file path as key (PATH_MAX is 4096) fits. */
    static final int MAX_NAME_CHARS = 4096;
    /** Members of one object of a submit (the envelope, or any object in it). */
    static final int MAX_MEMBERS = 10_000;

    static final String TOO_DEEP = "json_too_deep";
    static final String STRING_TOO_LONG = "json_string_too_long";
    static final String NUMBER_TOO_LONG = "json_number_too_long";
    static final String NAME_TOO_LONG = "json_name_too_long";
    static final String TOO_MANY_MEMBERS = "json_too_many_members";

    static final JsonLimits INSTANCE = new JsonLimits();

    private JsonLimits() {
        super(MAX_NESTING_DEPTH, DEFAULT_MAX_DOC_LEN, MAX_NUMBER_CHARS, MAX_STRING_CHARS, MAX_NAME_CHARS,
                DEFAULT_MAX_TOKEN_COUNT);
    }

    /** A limit exceeded: Jackson's own exception type (so parsers stop as for any constraint), with a reason. */
    static final class Exceeded extends StreamConstraintsException {

        private final String reason;

        Exceeded(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    @Override
    public void validateNestingDepth(int depth) throws StreamConstraintsException {
        if (depth > _maxNestingDepth) {
            throw new Exceeded(TOO_DEEP, "JSON nested deeper than the limit of " + _maxNestingDepth + " levels");
        }
    }

    @Override
    public void validateIntegerLength(int length) throws StreamConstraintsException {
        number(length);
    }

    @Override
    public void validateFPLength(int length) throws StreamConstraintsException {
        number(length);
    }

    private void number(int length) throws Exceeded {
        if (length > _maxNumLen) {
            throw new Exceeded(NUMBER_TOO_LONG, "a JSON number of " + length
                    + " digits is longer than the limit of " + _maxNumLen);
        }
    }

    @Override
    public void validateStringLength(int length) throws StreamConstraintsException {
        if (length > _maxStringLen) {
            throw new Exceeded(STRING_TOO_LONG, "a JSON string of " + length
                    + " characters or more is longer than the limit of " + _maxStringLen);
        }
    }

    @Override
    public void validateNameLength(int length) throws StreamConstraintsException {
        if (length > _maxNameLen) {
            throw new Exceeded(NAME_TOO_LONG, "a JSON member name of " + length
                    + " characters or more is longer than the limit of " + _maxNameLen);
        }
    }

    /** The member count limit, for the readers that count members. */
    static ProtocolException tooManyMembers() {
        return new ProtocolException(ErrorCode.INVALID_PAYLOAD, TOO_MANY_MEMBERS,
                "payload exceeds a JSON limit: an object with more than " + MAX_MEMBERS + " members");
    }
}
