package io.beamline.ipc.process;

import sun.misc.Signal;

/** SIGHUP asks the process to reload its configuration (the JVM's own handling would exit with 129). */
public final class ReloadSignal {

    private ReloadSignal() {
    }

    /** @param reload must return at once (hand the work to another thread): it runs on the JVM's signal thread */
    public static void onHangup(Runnable reload) {
        Signal.handle(new Signal("HUP"), sig -> reload.run());
    }
}
