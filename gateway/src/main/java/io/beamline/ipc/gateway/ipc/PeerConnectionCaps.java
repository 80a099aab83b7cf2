package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.ErrorBody;
import io.beamline.ipc.protocol.ErrorCode;
import io.beamline.ipc.protocol.ErrorResponse;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one peer process (pid) and one peer user (uid) hold at once, so that one runaway
 * process cannot take every slot of {@code ipc.max_connections}, nor one user's processes crowd out root and
 * the other allowed uids. The one over a cap is told which (OVERLOADED, {@code connection_limit_pid} or
 * {@code connection_limit_uid}), then closed.
 *
 * <p>A connection is counted when it becomes active here and released when it closes; one turned away by an
 * earlier handler never reaches this one, so it is never counted. Counts are per key in one concurrent map
 * each, updated atomically; a key whose count drops to 0 is removed, so the maps hold only live peers.
 * The caps are read for each new connection: a reload that lowers one turns away new connections beyond it
 * and closes none of those already held.
 */
@Sharable
final class PeerConnectionCaps extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnectionCaps.class);
    private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    private final IntSupplier maxPerPid;
    private final IntSupplier maxPerUid;
    private final ConcurrentMap<Integer, Integer> byPid = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Integer> byUid = new ConcurrentHashMap<>();
    private final ThrottledWarning pidWarning = new ThrottledWarning(LOG, WARN_INTERVAL);
    private final ThrottledWarning uidWarning = new ThrottledWarning(LOG, WARN_INTERVAL);

    PeerConnectionCaps(int maxPerPid, int maxPerUid) {
        this(() -> maxPerPid, () -> maxPerUid);
    }

    PeerConnectionCaps(IntSupplier maxPerPid, IntSupplier maxPerUid) {
        this.maxPerPid = maxPerPid;
        this.maxPerUid = maxPerUid;
    }

    /** Connections the process {@code pid} holds now. */
    int connectionsOfPid(int pid) {
        return byPid.getOrDefault(pid, 0);
    }

    /** Connections the user {@code uid} holds now. */
    int connectionsOfUid(int uid) {
        return byUid.getOrDefault(uid, 0);
    }

    /** The caps in force now (a reload may have changed them): per process, per uid. */
    int maxPerPid() {
        return maxPerPid.getAsInt();
    }

    int maxPerUid() {
        return maxPerUid.getAsInt();
    }

    /** Peer processes holding a connection now. */
    int peerProcesses() {
        return byPid.size();
    }

    /** Connections held now, by peer uid (a copy, in uid order). */
    Map<Integer, Integer> connectionsByUid() {
        return new TreeMap<>(byUid);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Caller peer = ctx.channel().attr(PeerCredentialsGuard.CALLER).get();
        if (peer == null) {
            peer = Caller.UNKNOWN;
        }
        int maxPerPid = this.maxPerPid.getAsInt();
        int maxPerUid = this.maxPerUid.getAsInt();
        if (!take(byPid, peer.pid(), maxPerPid)) {
            pidWarning.warn("connection refused: process {} holds {} connections (ipc.max_connections_per_pid)",
                    peer, maxPerPid);
            Rejection.rejectAndClose(ctx, ErrorResponse.of(ErrorBody.of(ErrorCode.OVERLOADED, "connection_limit_pid",
                    "process " + peer.pid() + " already holds " + maxPerPid
                            + " connections (ipc.max_connections_per_pid); close one or retry later")));
            return;
        }
        if (!take(byUid, peer.uid(), maxPerUid)) {
            give(byPid, peer.pid());
            uidWarning.warn("connection refused: uid {} holds {} connections (ipc.max_connections_per_uid); {}",
                    peer.uid(), maxPerUid, peer);
            Rejection.rejectAndClose(ctx, ErrorResponse.of(ErrorBody.of(ErrorCode.OVERLOADED, "connection_limit_uid",
                    "uid " + peer.uid() + " already holds " + maxPerUid
                            + " connections (ipc.max_connections_per_uid); close one or retry later")));
            return;
        }
        Caller counted = peer;
        ctx.channel().closeFuture().addListener(f -> {
            give(byUid, counted.uid());
            give(byPid, counted.pid());
        });
        ctx.fireChannelActive();
    }

    /** One more connection for {@code key}, unless it holds {@code max}; atomic per key. */
    private static boolean take(ConcurrentMap<Integer, Integer> counts, int key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= max) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    private static void give(ConcurrentMap<Integer, Integer> counts, int key) {
        counts.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }
}
