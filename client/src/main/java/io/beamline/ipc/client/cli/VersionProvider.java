package io.beamline.ipc.client.cli;

import io.beamline.ipc.protocol.Frame;
import picocli.CommandLine.IVersionProvider;

/** The version the jar's manifest carries; classes run from target/classes have none. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = IpcCli.class.getPackage().getImplementationVersion();
        return new String[] {"ipc " + (v == null ? "(development build)" : v)
                + ", Beamline IPC client, protocol v" + Frame.V1 + " and v" + Frame.V2};
    }
}
