package io.beamline.ipc.gateway.ipc;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the listening socket systemd passed (socket activation, sd_listen_fds(3)), once, at start: reads
 * {@code LISTEN_*}, removes them from the process's environment so that no child process takes them for its
 * own, and checks the fd is a listening Unix stream socket. docs/operations/socket-activation.md.
 */
public final class SystemdActivation {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdActivation.class);

    private final InheritedSocket socket;
    private final Optional<String> name;

    SystemdActivation(InheritedSocket socket, Optional<String> name) {
        this.socket = socket;
        this.name = name;
    }

    /** The socket passed to this process, if systemd passed one. */
    public static Optional<SystemdActivation> take() throws IOException {
        return take(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * @throws IOException when the variables are meant for this process but wrong, or the fd is not a
     *                     listening Unix stream socket: a start-up error, never a silent bind of our own
     */
    static Optional<SystemdActivation> take(Map<String, String> env, long selfPid) throws IOException {
        Optional<ListenFds> passed = ListenFds.parse(env, selfPid);
        // As sd_listen_fds(unset_environment=1): removed whether or not they were ours.
        for (String variable : ListenFds.VARIABLES) {
            if (env.containsKey(variable) && !NativeEnvironment.unset(variable)) {
                LOG.debug("could not remove {} from the environment (needs JDK 22+); the gateway starts no child"
                        + " process", variable);
            }
        }
        if (passed.isEmpty()) {
            return Optional.empty();
        }
        InheritedSocket socket = InheritedSocket.check(passed.get().fd());
        return Optional.of(new SystemdActivation(socket, passed.get().name()));
    }

    InheritedSocket socket() {
        return socket;
    }

    /** For the log: "fd 3 (systemd socket activation, name gateway.socket)". */
    String describe() {
        return "fd " + socket.fd() + " (systemd socket activation" + name.map(n -> ", name " + n).orElse("") + ")";
    }
}
