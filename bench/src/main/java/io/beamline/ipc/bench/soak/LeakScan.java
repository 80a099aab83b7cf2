package io.beamline.ipc.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds Netty's leak reports ({@code LEAK: ByteBuf.release() was not called …}) in a process's log. */
public final class LeakScan {

    private LeakScan() {
    }

    public static List<String> in(String log) {
        return log.lines().filter(l -> l.contains("LEAK")).toList();
    }

    public static List<String> in(List<Path> logs) {
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            try {
                found.addAll(in(Files.readString(log)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log, e);
            }
        }
        return found;
    }
}
