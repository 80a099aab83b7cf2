package io.beamline.ipc.gateway.task;

/**
 * Who sent a request, as the kernel reports the peer of its connection (SO_PEERCRED). Tenant defaults and
 * rate limits per uid hang on this; {@link #UNKNOWN} stands for callers without credentials (tests).
 */
public record Caller(int pid, int uid, int gid) {

    public static final Caller UNKNOWN = new Caller(-1, -1, -1);

    @Override
    public String toString() {
        return "pid=" + pid + " uid=" + uid + " gid=" + gid;
    }
}
