package io.beamline.ipc.gateway.task;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * New task ids: random (version 4) UUIDs, as {@link UUID#randomUUID()} makes them, unguessable by another
 * local process. Each thread draws from its own DRBG instead of the JDK's shared generator, which reads the
 * kernel's random device under one lock per id (a few microseconds each, measured on the submit path).
 */
public final class TaskIds {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(TaskIds::drbg);

    private TaskIds() {
    }

    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.get().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xff);
            lsb = (lsb << 8) | (b[i + 8] & 0xff);
        }
        return new UUID(msb, lsb).toString();
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG"); // seeded from the system's entropy once per thread
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
