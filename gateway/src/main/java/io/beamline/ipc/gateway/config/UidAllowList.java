package io.beamline.ipc.gateway.config;

import java.util.Set;
import java.util.StringJoiner;

/** Which peer uids may talk to the gateway. {@code self} is resolved against the gateway's own uid. */
public record UidAllowList(boolean any, boolean self, Set<Integer> uids) {

    public boolean allows(int peerUid, int selfUid) {
        return any || (self && peerUid == selfUid) || uids.contains(peerUid);
    }

    /** As the setting is written: {@code self,0}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(",");
        if (any) {
            j.add("any");
        }
        if (self) {
            j.add("self");
        }
        uids.stream().sorted().forEach(uid -> j.add(uid.toString()));
        return j.toString();
    }
}
