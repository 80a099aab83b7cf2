package io.beamline.ipc.gateway.ipc;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The socket's connections and their limits at one moment, as {@code /status} shows them.
 *
 * @param open             connections served now
 * @param max              {@code ipc.max_connections}
 * @param maxPerPid        {@code ipc.max_connections_per_pid}
 * @param maxPerUid        {@code ipc.max_connections_per_uid}
 * @param peerProcesses    distinct peer processes (pids) holding a connection
 * @param byUid            connections held, by peer uid
 * @param bufferedBytes    bytes held for all connections (partial frames, answers not yet written)
 * @param maxBufferedBytes {@code ipc.max_buffered_bytes}
 */
public record ConnectionsStatus(int open, int max, int maxPerPid, int maxPerUid, int peerProcesses,
                                Map<Integer, Integer> byUid, long bufferedBytes, long maxBufferedBytes) {

    public ConnectionsStatus {
        byUid = Collections.unmodifiableMap(new TreeMap<>(byUid)); // uid order, as shown
    }
}
