package io.beamline.ipc.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Test helper: what a future failed with. */
public final class Futures {

    private Futures() {
    }

    /** The exception {@code future} failed with, waiting up to 10 s; an assertion error if it succeeded. */
    public static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected the future to fail, but it completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    public static <T> T valueOf(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }
}
