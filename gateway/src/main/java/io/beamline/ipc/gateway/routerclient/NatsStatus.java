package io.beamline.ipc.gateway.routerclient;

import java.util.List;

/**
 * The NATS pool at one moment, as {@code /status} shows it. URLs never carry a password or token: their
 * user-info is masked ({@code nats://user:****@host}).
 *
 * @param servers     the servers as configured ({@code nats.url})
 * @param poolSize    {@code nats.pool_size}
 * @param connected   members connected now
 * @param members     each pooled connection
 * @param lastFailure why a member that is not connected failed to connect last; null when none
 */
public record NatsStatus(List<String> servers, int poolSize, int connected, List<MemberStatus> members,
                         String lastFailure) {

    /**
     * @param state           jnats' status of the connection ({@code CONNECTED}, {@code RECONNECTING}, …), or
     *                        {@code CONNECTING} before its first
     * @param connectedServer the server it is connected to; null while not connected
     * @param maxPayload      the server's announced max_payload; null while unknown
     * @param lastFailure     why its last attempt to connect failed; null while connected or before any failure
     */
    public record MemberStatus(int index, String state, String connectedServer, long reconnects, Long maxPayload,
                               String lastFailure) {
    }
}
