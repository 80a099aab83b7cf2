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

    /**
     * What Jazzer itself may allocate on the fuzzed thread per run while fuzzing (JAZZER_FUZZ set): its
     * comparison hooks encode the strings compared (100-300 KB for one 112-byte submit was measured, none of it
     * the gateway's). While fuzzing, a bound is therefore loose and catches only blow-ups; the tight bound holds
     * in regression mode ({@code mvn verify}), on every seed and every saved finding. 0 in regression mode.
     */
    public static long fuzzerOverhead() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        return fuzz == null || fuzz.isEmpty() || fuzz.equals("0") ? 0 : 8L << 20;
    }

    public static long ofSecondRun(Runnable work) {
        work.run();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
