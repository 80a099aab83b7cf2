package io.beamline.ipc.gateway.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory that holds the socket. Whoever may rename or delete entries in it can swap the gateway's
 * socket for one of their own, and clients would then send their tasks to them; the socket's own mode does
 * not help against that. So the directory must belong to the gateway's uid or root, and must not be
 * writable by others unless it has the sticky bit (as {@code /tmp} has). A symbolic link is followed (as
 * {@code /var/run} is one) only if it too belongs to the gateway's uid or root: its owner could re-point it.
 */
final class SocketDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SocketDirectory.class);

    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;
    private static final int S_ISVTX = 01000;
    private static final int WRITABLE_BY_GROUP_OR_OTHERS = 0022;

    private SocketDirectory() {
    }

    /** Creates {@code dir} with mode 0700 if nothing is there, then checks that no other user controls it. */
    static void prepare(Path dir) throws IOException {
        if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            LOG.info("created socket directory {} with mode 0700", dir);
        }
        int selfUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int linkMode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((linkMode & S_IFMT) == S_IFLNK) {
            int linkOwner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!trusted(linkOwner, selfUid)) {
                throw new IOException("socket directory " + dir + " is a symbolic link owned by uid " + linkOwner
                        + ", who could point it elsewhere; use a directory of this gateway's uid (" + selfUid
                        + ") or root");
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("socket directory " + dir + " is not a directory");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        if (!trusted(owner, selfUid)) {
            throw new IOException("socket directory " + dir + " is owned by uid " + owner
                    + ", who could replace the socket; use a directory of this gateway's uid (" + selfUid
                    + ") or root");
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode");
        if ((mode & WRITABLE_BY_GROUP_OR_OTHERS) != 0 && (mode & S_ISVTX) == 0) {
            throw new IOException("socket directory " + dir + " (mode " + Integer.toOctalString(mode & 07777)
                    + ") is writable by other users without the sticky bit, so they could replace the socket;"
                    + " remove their write access or choose another directory");
        }
    }

    private static boolean trusted(int uid, int selfUid) {
        return uid == selfUid || uid == 0;
    }
}
