package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.UidAllowList;
import io.beamline.ipc.gateway.task.TaskService;
import io.beamline.ipc.protocol.Frame;
import java.nio.file.Path;
import java.util.Set;

/** Starts real Unix-socket servers on temp paths for tests. */
final class TestServers {

    static final UidAllowList SELF_AND_ROOT = new UidAllowList(false, true, Set.of(0));

    private TestServers() {
    }

    static IpcConfig config(Path dir) {
        return new IpcConfig(dir.resolve("gw.sock"), 64, Frame.MAX_FRAME_BYTES, SELF_AND_ROOT, 2);
    }

    static IpcServer start(IpcConfig config) throws Exception {
        return IpcServer.start(config, new ControllableTasks());
    }

    static IpcServer start(IpcConfig config, TaskService tasks) throws Exception {
        return IpcServer.start(config, tasks);
    }
}
