package io.beamline.ipc.process;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT stop the process cleanly with exit code 0 (the JVM's own handling would exit 143
 * and race the shutdown with hooks). A second signal while stopping exits at once.
 */
public final class ShutdownSignals {

    private ShutdownSignals() {
    }

    public static void onTerminate(Runnable stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        SignalHandler handler = sig -> {
            if (!stopping.compareAndSet(false, true)) {
                Runtime.getRuntime().halt(128 + sig.getNumber());
            }
            // Not on the signal thread: a slow stop must not block a second signal.
            Thread.ofPlatform().name("shutdown").start(stop);
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }
}
