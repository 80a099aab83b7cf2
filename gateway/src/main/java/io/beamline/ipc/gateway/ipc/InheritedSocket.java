package io.beamline.ipc.gateway.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listening socket this process inherited (from systemd), checked to be what the gateway serves: a
 * Unix-domain stream socket that listens. The kernel says so in {@code /proc}: {@code /proc/self/fd/N}
 * links to {@code socket:[inode]}, and {@code /proc/net/unix} lists each Unix socket of the network namespace
 * by inode with its flags (listening), type (stream) and path.
 *
 * @param fd   the file descriptor
 * @param path the socket's path in the file system; empty for an unnamed or abstract socket
 */
record InheritedSocket(int fd, Optional<Path> path) {

    /** {@code __SO_ACCEPTCON} in the Flags column: the socket listens. */
    private static final int SO_ACCEPTCON = 0x10000;
    private static final int SOCK_STREAM = 1;
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    /** Checks {@code fd} of this process. */
    static InheritedSocket check(int fd) throws IOException {
        return check(fd, Path.of("/proc/self/fd"), Path.of("/proc/net/unix"));
    }

    static InheritedSocket check(int fd, Path procSelfFd, Path procNetUnix) throws IOException {
        String target;
        try {
            target = Files.readSymbolicLink(procSelfFd.resolve(Integer.toString(fd))).toString();
        } catch (NoSuchFileException e) {
            throw notServable(fd, "it is not open");
        }
        Matcher m = SOCKET_LINK.matcher(target);
        if (!m.matches()) {
            throw notServable(fd, "it is not a socket but " + target);
        }
        String inode = m.group(1);
        // Num RefCount Protocol Flags Type St Inode [Path]; the path is the rest of the line.
        for (String line : Files.readAllLines(procNetUnix)) {
            String[] f = line.trim().split("\\s+", 8);
            if (f.length < 7 || !f[6].equals(inode)) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            int type = Integer.parseInt(f[4], 16);
            if (type != SOCK_STREAM) {
                throw notServable(fd, "it is a Unix-domain socket of type " + typeName(type) + ", not a stream socket"
                        + " (ListenStream=, not ListenDatagram= or ListenSequentialPacket=)");
            }
            if ((flags & SO_ACCEPTCON) == 0) {
                throw notServable(fd, "it is a Unix-domain stream socket that does not listen (a connection?"
                        + " The .socket unit must not set Accept=yes)");
            }
            String name = f.length == 8 ? f[7] : "";
            Optional<Path> path = name.isEmpty() || name.startsWith("@") ? Optional.empty() : Optional.of(Path.of(name));
            return new InheritedSocket(fd, path);
        }
        throw notServable(fd, "it is a socket but not a Unix-domain one (e.g. TCP: ListenStream= must be a path)");
    }

    /** How the log and the start-up banner name it. */
    String describe() {
        return path.map(Path::toString).orElse("an unnamed socket");
    }

    private static String typeName(int type) {
        return switch (type) {
            case 2 -> "SOCK_DGRAM";
            case 5 -> "SOCK_SEQPACKET";
            default -> Integer.toString(type);
        };
    }

    private static IOException notServable(int fd, String why) {
        return new IOException("socket activation: fd " + fd + " cannot be served: " + why);
    }
}
