package io.beamline.ipc.process;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/** SIGHUP asks the process to reload its configuration (the JVM's own handling would exit with 129). */
public final class ReloadSignal {

    private ReloadSignal() {
    }

    /**
     * @param reload must return at once (hand the work to another thread): it runs on the JVM's signal thread
     * @return false when nothing was installed: the process was started with SIGHUP ignored (nohup), and the JVM
     *     leaves an ignored signal ignored
     */
    public static boolean onHangup(Runnable reload) {
        return Signal.handle(new Signal("HUP"), sig -> reload.run()) != SignalHandler.SIG_IGN;
    }
}
