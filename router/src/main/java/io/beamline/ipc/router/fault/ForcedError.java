package io.beamline.ipc.router.fault;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * An error reply the Router must send instead of deciding. Any code is allowed, including ones the contract
 * does not know (e.g. {@code weird_new_code}), so the gateway's translation of each row can be tested.
 *
 * @param message null: the contract's {@code Routing failed}
 * @param details extra {@code error.details} entries, laid over the ones naming the fault; never null
 */
public record ForcedError(String code, String message, Map<String, Object> details) {

    private static final Pattern CODE = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");
    static final int MAX_MESSAGE_CHARS = 256;

    public ForcedError {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new FaultSpecException("error", "code must be 1..64 of A-Z a-z 0-9 _ . -, got \"" + code + "\"");
        }
        if (message != null && (message.isEmpty() || message.length() > MAX_MESSAGE_CHARS)) {
            throw new FaultSpecException("error.message", "must be 1.." + MAX_MESSAGE_CHARS + " characters");
        }
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ForcedError of(String code) {
        return new ForcedError(code, null, null);
    }
}
