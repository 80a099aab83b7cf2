package io.beamline.ipc.process.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one rule for every secret setting (passwords, tokens): the value is the secret itself, or
 * {@code file:PATH}, which reads the secret from PATH (one trailing line end dropped), so it need not stand
 * in a config file, a command line or a process listing. A secret that itself starts with {@code file:}
 * goes in a file.
 */
public final class SecretValue {

    public static final String FILE_PREFIX = "file:";

    private SecretValue() {
    }

    /** True when {@code value} names a file rather than being the secret (the path may be printed). */
    public static boolean isFileReference(String value) {
        return value != null && value.startsWith(FILE_PREFIX);
    }

    /**
     * The secret {@code value} stands for. Throws IllegalArgumentException, never naming the secret, when the
     * file cannot be read or is empty.
     */
    public static String resolve(String value) {
        if (!isFileReference(value)) {
            return value;
        }
        Path file = Path.of(value.substring(FILE_PREFIX.length()).trim());
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the secret file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (secret.endsWith("\r\n")) {
            secret = secret.substring(0, secret.length() - 2);
        } else if (secret.endsWith("\n")) {
            secret = secret.substring(0, secret.length() - 1);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the secret file " + file + " is empty");
        }
        return secret;
    }
}
