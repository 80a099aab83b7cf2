package io.beamline.ipc.client.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exit codes of {@code ipc}; scripts rely on them, so they never change meaning.
 * <ul>
 *   <li>0 success;</li>
 *   <li>1 the gateway answered with an error (RESPONSE_ERROR), or a stream ended with one (STREAM_ERROR, or
 *       the client cancelled it because its output was not taken in time);</li>
 *   <li>2 usage error: bad options or arguments, a {@code --payload} that is not a JSON object, a request
 *       larger than a frame;</li>
 *   <li>3 could not connect to the gateway, or the connection was lost before the answer;</li>
 *   <li>4 no answer within {@code --timeout};</li>
 *   <li>5 the gateway's answer broke the protocol (unexpected type, unreadable payload), or an internal
 *       error of the client;</li>
 *   <li>6 {@code status}: the gateway's admin endpoint is off (no {@code admin_url} in its CAPABILITIES) or did
 *       not answer {@code GET /status};</li>
 *   <li>130 interrupted (Ctrl-C, SIGINT) while a stream ran; {@code submit --stream} cancelled the task first.</li>
 * </ul>
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int GATEWAY_ERROR = 1;
    public static final int USAGE = 2;
    public static final int CONNECTION = 3;
    public static final int TIMEOUT = 4;
    public static final int PROTOCOL = 5;
    public static final int ADMIN_UNAVAILABLE = 6;
    /** 128 + SIGINT, as shells report a process Ctrl-C ended. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The table the {@code --help} footer shows. */
    static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "Success.");
        m.put(Integer.toString(GATEWAY_ERROR), "The gateway answered with an error, or the stream ended with one.");
        m.put(Integer.toString(USAGE), "Usage error: bad option or argument, --payload not a JSON object.");
        m.put(Integer.toString(CONNECTION), "Could not connect to the gateway, or the connection was lost.");
        m.put(Integer.toString(TIMEOUT), "No answer within --timeout.");
        m.put(Integer.toString(PROTOCOL), "The answer broke the protocol, or an internal client error.");
        m.put(Integer.toString(ADMIN_UNAVAILABLE), "status: the admin endpoint is off or did not answer.");
        m.put(Integer.toString(INTERRUPTED), "Ctrl-C while streaming (submit --stream cancels the task first).");
        return m;
    }
}
