package io.beamline.ipc.testkit;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates for a piece of work, for fuzz tests that bound allocation by input size.
 * The work runs twice and the second run is measured: the first also pays for loading and initialising
 * classes, which says nothing about the input.
 */
public final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    public static long ofSecondRun(Runnable work) {
        work.run();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
