package io.beamline.ipc.gateway.ipc;

import io.netty.util.AttributeKey;

/** Who is on the other end of a connection, as the kernel reports it (SO_PEERCRED). */
public record PeerInfo(int pid, int uid, int gid) {

    static final AttributeKey<PeerInfo> KEY = AttributeKey.valueOf(PeerInfo.class, "peer");

    @Override
    public String toString() {
        return "pid=" + pid + " uid=" + uid + " gid=" + gid;
    }
}
