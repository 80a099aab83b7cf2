package io.beamline.ipc.gateway.ipc;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket's place in the file system. Binds in a private 0700 directory, sets mode 0600, then renames
 * into place, so no client ever sees the socket with looser permissions. Replaces a stale socket (one no
 * one listens on), refuses to start beside a live one or on any other file, never follows a link, and on
 * close removes the file only if it is still ours. docs/security/socket.md says why.
 */
final class SocketFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketFile.class);

    /** File type bits of {@code st_mode} ("unix:mode"), as in {@code <sys/stat.h>}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;

    /** sun_path: 108 bytes with the terminating NUL. */
    private static final int MAX_SUN_PATH_BYTES = 107;

    private final Path path;
    private final Path bindDir;
    private Object publishedKey;

    private SocketFile(Path path, Path bindDir) {
        this.path = path;
        this.bindDir = bindDir;
    }

    /** Thrown when another live process already serves the socket path. */
    static final class InUseException extends IOException {
        InUseException(String message) {
            super(message);
        }
    }

    /** Checks the path is free (replacing a stale socket) and prepares a private place to bind. */
    static SocketFile prepare(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IOException("socket path " + path + " names no file");
        }
        SocketDirectory.prepare(dir);
        removeIfStale(path);
        return new SocketFile(path, createBindDir(dir));
    }

    /**
     * A new 0700 directory beside the socket path, named short enough that {@code <it>/s} fits in sun_path
     * even when the socket path itself takes all 107 bytes (a longer name failed the bind, issue 11).
     */
    private static Path createBindDir(Path dir) throws IOException {
        int room = MAX_SUN_PATH_BYTES - dir.toString().getBytes(StandardCharsets.UTF_8).length - "//s".length();
        int randomChars = Math.min(room - 1, 12); // after the leading dot
        if (randomChars < 1) {
            throw new IOException("socket directory " + dir + " is too long to bind in: at most "
                    + (MAX_SUN_PATH_BYTES - 5) + " bytes");
        }
        for (int attempt = 0; attempt < 1000; attempt++) {
            Path candidate = dir.resolve("." + randomName(randomChars));
            try {
                return Files.createDirectory(candidate,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                // another name; createDirectory never follows or reuses what is there
            }
        }
        throw new IOException("could not create a private directory to bind in, in " + dir);
    }

    private static String randomName(int length) {
        StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            name.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
        }
        return name.toString();
    }

    /** Where to bind: short, inside the private directory. */
    Path bindPath() {
        return bindDir.resolve("s");
    }

    Path path() {
        return path;
    }

    /** After bind: restrict the mode, then move the socket to its public path. */
    void publish() throws IOException {
        Files.setPosixFilePermissions(bindPath(), PosixFilePermissions.fromString("rw-------"));
        Files.move(bindPath(), path, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(bindDir);
        publishedKey = fileKey(path);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(bindPath());
            Files.deleteIfExists(bindDir);
            if (publishedKey != null && Objects.equals(publishedKey, fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("could not remove socket file {}: {}", path, e.toString());
        }
    }

    private static void removeIfStale(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        int type = mode & S_IFMT;
        if (type == S_IFLNK) {
            // Never follow: a link could lead the probe and the removal to any socket or file on the machine.
            throw new IOException(path + " is a symbolic link; not following or removing it");
        }
        if (type != S_IFSOCK) {
            // Fifos and devices count as "other" for BasicFileAttributes too, and refuse a connect like a
            // stale socket: only the file type may decide what is removed.
            throw new IOException(path + " exists and is " + describe(type) + ", not a socket; not touching it");
        }
        if (isLive(path)) {
            throw new InUseException("another gateway is already listening on " + path
                    + "; stop it first or choose another --socket");
        }
        LOG.info("removing stale socket {} left by a process that is gone", path);
        Files.deleteIfExists(path);
    }

    private static String describe(int type) {
        return switch (type) {
            case 0100000 -> "a regular file";
            case 0040000 -> "a directory";
            case 0010000 -> "a fifo";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            default -> "a file of type " + Integer.toOctalString(type);
        };
    }

    /** Only a refused connect proves that no one listens; any other failure leaves the question open. */
    private static boolean isLive(Path path) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new IOException("cannot tell whether a gateway is listening on " + path + " (" + e.getMessage()
                    + "); not removing it", e);
        }
    }

    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
