package io.beamline.ipc.router.contract;

import java.util.regex.Pattern;

/** The identifier formats of the contract: UUID v4, ULID, W3C trace-id. */
final class IdFormats {

    private static final Pattern UUID_V4 =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$");
    // Crockford base32: no I, L, O, U.
    private static final Pattern ULID = Pattern.compile("^[0-9A-HJKMNP-TV-Z]{26}$");
    private static final Pattern W3C_TRACE_ID = Pattern.compile("^[0-9a-fA-F]{32}$");

    private IdFormats() {
    }

    static boolean isUuidV4OrUlid(String s) {
        return UUID_V4.matcher(s).matches() || ULID.matcher(s).matches();
    }

    static boolean isTraceId(String s) {
        return W3C_TRACE_ID.matcher(s).matches() || UUID_V4.matcher(s).matches();
    }
}
