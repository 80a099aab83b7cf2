package io.beamline.ipc.gateway.config;

import java.util.Set;

/** Which peer uids may talk to the gateway. {@code self} is resolved against the gateway's own uid. */
public record UidAllowList(boolean any, boolean self, Set<Integer> uids) {

    public boolean allows(int peerUid, int selfUid) {
        return any || (self && peerUid == selfUid) || uids.contains(peerUid);
    }
}
