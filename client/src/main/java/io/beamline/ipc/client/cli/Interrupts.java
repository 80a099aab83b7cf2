package io.beamline.ipc.client.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Where Ctrl-C (SIGINT) is heard while a stream runs; tests interrupt without a signal. */
interface Interrupts {

    /**
     * Runs {@code action} (on a thread of its own) at the first interrupt, until the returned handle is
     * closed; a second interrupt ends the process at once with exit code 130.
     */
    Registration onInterrupt(Runnable action);

    /** Puts back what handled interrupts before. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** SIGINT of the real process. */
    static Interrupts sigint() {
        return action -> {
            Signal sigint = new Signal("INT");
            java.util.concurrent.atomic.AtomicBoolean heard = new java.util.concurrent.atomic.AtomicBoolean();
            SignalHandler previous;
            try {
                previous = Signal.handle(sigint, sig -> {
                    if (!heard.compareAndSet(false, true)) {
                        Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
                    }
                    Thread.ofPlatform().name("ipc-interrupt").start(action); // never block the signal thread
                });
            } catch (IllegalArgumentException notHandled) { // e.g. the JVM runs with -Xrs
                return () -> { };
            }
            return () -> Signal.handle(sigint, previous);
        };
    }
}
