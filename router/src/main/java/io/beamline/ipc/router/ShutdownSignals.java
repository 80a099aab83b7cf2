package io.beamline.ipc.router;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT start a graceful stop that ends with exit code 0 (the JVM's default would exit 143
 * while hooks race the drain). A second signal during the stop exits at once.
 */
final class ShutdownSignals {

    private ShutdownSignals() {
    }

    static void onTerminate(Runnable stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        SignalHandler handler = sig -> {
            if (!stopping.compareAndSet(false, true)) {
                Runtime.getRuntime().halt(128 + sig.getNumber());
            }
            // Off the signal thread, so that a slow drain cannot block a second signal.
            Thread.ofPlatform().name("router-stop").start(stop);
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }
}
