package io.beamline.ipc.gateway;

import io.beamline.ipc.gateway.config.GatewayConfig;
import io.beamline.ipc.gateway.ipc.IpcServer;
import io.beamline.ipc.gateway.task.RouterBridgePending;
import io.beamline.ipc.gateway.task.TaskService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring and lifecycle: the one place that knows every part. Start, then close (idempotent). */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final IpcServer ipc;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Gateway(GatewayConfig config, IpcServer ipc) {
        this.config = config;
        this.ipc = ipc;
    }

    public static Gateway start(GatewayConfig config) throws IOException, InterruptedException {
        TaskService tasks = new RouterBridgePending();
        IpcServer ipc = IpcServer.start(config.ipc(), tasks);
        return new Gateway(config, ipc);
    }

    public Path socketPath() {
        return ipc.socketPath();
    }

    public int openConnections() {
        return ipc.openConnections();
    }

    public GatewayConfig config() {
        return config;
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("shutting down");
        try {
            ipc.close();
        } finally {
            stopped.countDown();
        }
    }
}
