package io.beamline.ipc.gateway.task;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * New task ids: random (version 4) UUIDs, as {@link UUID#randomUUID()} makes them, unguessable by another
 * local process. Each thread takes its ids' random bytes from a buffer of its own, refilled 4 KiB at a time
 * from the system's secure generator: {@code randomUUID()} asks that generator (a read of the kernel's random
 * device, under one lock) once per id, which cost a few microseconds per submit at load.
 */
public final class TaskIds {

    private static final int ID_BYTES = 16;
    private static final int BATCH_BYTES = 4096;
    private static final SecureRandom SOURCE = new SecureRandom();
    private static final ThreadLocal<Batch> BATCH = ThreadLocal.withInitial(Batch::new);

    private static final class Batch {
        final byte[] bytes = new byte[BATCH_BYTES];
        int next = BATCH_BYTES;
    }

    private TaskIds() {
    }

    public static String newId() {
        Batch batch = BATCH.get();
        if (batch.next == BATCH_BYTES) {
            SOURCE.nextBytes(batch.bytes);
            batch.next = 0;
        }
        byte[] b = batch.bytes;
        int at = batch.next;
        batch.next += ID_BYTES;
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[at + i] & 0xff);
            lsb = (lsb << 8) | (b[at + 8 + i] & 0xff);
        }
        msb = (msb & ~0xF000L) | 0x4000L; // version 4
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }
}
