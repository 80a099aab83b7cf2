package io.beamline.ipc.gateway.ipc;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sockets systemd passed this process, as sd_listen_fds(3) reads them: {@code LISTEN_PID} must be this
 * process (else the variables were meant for another one, e.g. a parent, and nothing was passed), then
 * {@code LISTEN_FDS} sockets start at fd 3, named by the optional {@code LISTEN_FDNAMES} (colon-separated).
 * The gateway serves one socket, so it takes exactly one.
 *
 * @param count the number of fds passed (from 3 on)
 * @param names their names, one per fd, when systemd gave them (FileDescriptorName=, default the unit's name)
 */
record ListenFds(int count, List<String> names) {

    static final String LISTEN_PID = "LISTEN_PID";
    static final String LISTEN_FDS = "LISTEN_FDS";
    static final String LISTEN_FDNAMES = "LISTEN_FDNAMES";
    static final List<String> VARIABLES = List.of(LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES);

    /** SD_LISTEN_FDS_START: the first passed fd. */
    static final int FIRST_FD = 3;

    ListenFds {
        names = List.copyOf(names);
    }

    /**
     * The one listening socket passed to process {@code selfPid}, or empty when there is none for it: no
     * {@code LISTEN_PID}, another process's pid, or {@code LISTEN_FDS=0} (as sd_listen_fds returns 0).
     *
     * @throws IOException when the variables are meant for this process but unreadable, or pass more than one fd
     */
    static Optional<ListenFds> parse(Map<String, String> env, long selfPid) throws IOException {
        String pidText = env.get(LISTEN_PID);
        if (pidText == null) {
            return Optional.empty();
        }
        long pid = number(LISTEN_PID, pidText);
        if (pid <= 0) {
            throw invalid(LISTEN_PID, pidText, "not a process id");
        }
        if (pid != selfPid) {
            return Optional.empty();
        }
        String fdsText = env.get(LISTEN_FDS);
        if (fdsText == null) {
            throw new IOException("socket activation: " + LISTEN_PID + " is this process (" + selfPid + ") but "
                    + LISTEN_FDS + " is not set");
        }
        long fds = number(LISTEN_FDS, fdsText);
        if (fds == 0) {
            return Optional.empty();
        }
        if (fds != 1) {
            throw new IOException("socket activation: systemd passed " + fds + " sockets (" + LISTEN_FDS + "=" + fdsText
                    + "); the gateway serves exactly one: give its .socket unit one ListenStream= and no other"
                    + " socket units (Sockets=) to its .service");
        }
        List<String> names = List.of();
        String namesText = env.get(LISTEN_FDNAMES);
        if (namesText != null) {
            names = List.of(namesText.split(":", -1));
            if (names.size() != fds) {
                throw invalid(LISTEN_FDNAMES, namesText, names.size() + " names for " + fds + " fd");
            }
        }
        return Optional.of(new ListenFds((int) fds, names));
    }

    /** The fd the gateway listens on. */
    int fd() {
        return FIRST_FD;
    }

    /** The fd's name, when systemd gave one (systemd-socket-activate sets an empty one). */
    Optional<String> name() {
        return names.stream().findFirst().filter(n -> !n.isEmpty());
    }

    private static long number(String variable, String text) throws IOException {
        // sd_listen_fds accepts plain decimal only; so does this (no sign, no spaces).
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(variable, text, "not a decimal number");
        }
        return Long.parseLong(text);
    }

    private static IOException invalid(String variable, String text, String why) {
        return new IOException("socket activation: invalid " + variable + "=\"" + text + "\": " + why);
    }
}
