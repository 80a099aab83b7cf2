package io.beamline.ipc.gateway.ipc;

import static io.beamline.ipc.gateway.ipc.BadInputTest.errorOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The per-pid and per-uid caps, with peers the kernel would report differently (in one JVM every real
 * connection has the same pid and uid): each cap is counted apart, refusals name theirs, closing frees.
 */
class PeerConnectionCapsTest {

    /** A connection from {@code peer} through {@code handlers}, as the credential guard leaves it. */
    private static EmbeddedChannel connect(Caller peer, io.netty.channel.ChannelHandler... handlers) {
        return connect(new EmbeddedChannel(false, false, handlers), peer);
    }

    private static EmbeddedChannel connect(EmbeddedChannel ch, Caller peer) {
        ch.attr(PeerCredentialsGuard.CALLER).set(peer);
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    /** Stands for the request handler: records that the connection got through. */
    private static final class Admitted extends ChannelInboundHandlerAdapter {
        boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }
    }

    private static JsonNode refusal(EmbeddedChannel ch) {
        assertThat(ch.isOpen()).as("closed after the error frame").isFalse();
        Frame f = ch.readOutbound();
        return errorOf(f);
    }

    @Test
    void theConnectionOverItsProcessesCapIsRefusedNamingIt() {
        PeerConnectionCaps caps = new PeerConnectionCaps(2, 100);
        List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Admitted admitted = new Admitted();
            open.add(connect(new Caller(4711, 1000, 1000), caps, admitted));
            assertThat(admitted.active).isTrue();
        }
        Admitted third = new Admitted();
        EmbeddedChannel refused = connect(new Caller(4711, 1000, 1000), caps, third);
        assertThat(third.active).as("not passed on").isFalse();
        JsonNode error = refusal(refused);
        assertThat(error.path("code").asInt()).isEqualTo(8);
        assertThat(error.path("reason").asText()).isEqualTo("connection_limit_pid");
        assertThat(error.path("retryable").asBoolean()).isTrue();
        assertThat(error.path("message").asText()).contains("process 4711", "ipc.max_connections_per_pid");

        Admitted otherProcess = new Admitted();
        connect(new Caller(4712, 1000, 1000), caps, otherProcess);
        assertThat(otherProcess.active).as("another process of the same user").isTrue();
        assertThat(caps.connectionsOfPid(4711)).isEqualTo(2);
        assertThat(caps.connectionsOfUid(1000)).as("the refused one is not counted").isEqualTo(3);

        open.get(0).close();
        Admitted again = new Admitted();
        connect(new Caller(4711, 1000, 1000), caps, again);
        assertThat(again.active).as("a closed connection frees its process's slot").isTrue();
    }

    @Test
    void oneUsersProcessesTogetherAreCappedAndOtherUsersAreNot() {
        PeerConnectionCaps caps = new PeerConnectionCaps(64, 3);
        for (int pid = 100; pid < 103; pid++) {
            connect(new Caller(pid, 1000, 1000), caps, new Admitted());
        }
        EmbeddedChannel refused = connect(new Caller(103, 1000, 1000), caps, new Admitted());
        JsonNode error = refusal(refused);
        assertThat(error.path("code").asInt()).isEqualTo(8);
        assertThat(error.path("reason").asText()).isEqualTo("connection_limit_uid");
        assertThat(error.path("message").asText()).contains("uid 1000", "ipc.max_connections_per_uid");
        assertThat(caps.connectionsOfPid(103)).as("its pid slot is given back").isZero();

        Admitted root = new Admitted();
        connect(new Caller(1, 0, 0), caps, root);
        assertThat(root.active).as("root is not crowded out by uid 1000").isTrue();
    }

    @Test
    void aRefusedConnectionIsNotReadAgainWhenItsErrorFrameIsCounted() {
        PeerConnectionCaps caps = new PeerConnectionCaps(1, 10);
        MemoryBudget budget = new MemoryBudget(1 << 20, 3 << 18);
        connect(new Caller(4711, 1000, 1000), caps);
        EmbeddedChannel refused = new EmbeddedChannel(false, false);
        ReadGate gate = new ReadGate(refused, 256, budget);
        refused.attr(ReadGate.KEY).set(gate);
        refused.pipeline().addLast(new QueuedAnswers(gate), FrameEncoder.INSTANCE, caps);
        try {
            connect(refused, new Caller(4711, 1000, 1000));
            assertThat(refused.isOpen()).isFalse();
            assertThat(refused.config().isAutoRead()).as("the error frame's accounting left reading off").isFalse();
            assertThat(budget.total()).as("its bytes were released when written").isZero();
        } finally {
            refused.finishAndReleaseAll();
        }
    }

    @Test
    void aConnectionRefusedByAnEarlierHandlerIsNeverCounted() {
        PeerConnectionCaps caps = new PeerConnectionCaps(1, 1);
        ChannelInboundHandlerAdapter refuseAll = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.close(); // like the credential guard turning a uid away: channelActive goes no further
            }
        };
        for (int i = 0; i < 5; i++) {
            connect(new Caller(4711, 1000, 1000), refuseAll, caps);
        }
        assertThat(caps.connectionsOfPid(4711)).isZero();
        assertThat(caps.connectionsOfUid(1000)).isZero();
        Admitted admitted = new Admitted();
        connect(new Caller(4711, 1000, 1000), caps, admitted);
        assertThat(admitted.active).isTrue();
    }

    @Test
    void countsStayExactUnderConcurrentConnectAndClose() throws Exception {
        PeerConnectionCaps caps = new PeerConnectionCaps(3, 5);
        AtomicInteger overCap = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int pid = 200 + t % 2; // four threads per process, two processes of one user
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        EmbeddedChannel ch = connect(new Caller(pid, 1000, 1000), caps);
                        if (caps.connectionsOfPid(pid) > 3 || caps.connectionsOfUid(1000) > 5) {
                            overCap.incrementAndGet();
                        }
                        ch.close();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(overCap).as("never above a cap").hasValue(0);
        assertThat(caps.connectionsOfPid(200)).as("nothing leaked").isZero();
        assertThat(caps.connectionsOfPid(201)).isZero();
        assertThat(caps.connectionsOfUid(1000)).isZero();
    }

    @Test
    void aLoweredCapTurnsAwayTheNextConnectionAndKeepsThoseHeld() {
        AtomicInteger perPid = new AtomicInteger(4);
        PeerConnectionCaps caps = new PeerConnectionCaps(perPid::get, () -> 100);
        List<EmbeddedChannel> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(connect(new Caller(4711, 1000, 1000), caps, new Admitted()));
        }

        perPid.set(2); // a reload

        EmbeddedChannel refused = connect(new Caller(4711, 1000, 1000), caps, new Admitted());
        assertThat(refusal(refused).path("reason").asText()).isEqualTo("connection_limit_pid");
        assertThat(held).allMatch(EmbeddedChannel::isOpen);
        assertThat(caps.connectionsOfPid(4711)).isEqualTo(3);
        held.get(0).close();
        held.get(1).close();
        Admitted after = new Admitted();
        connect(new Caller(4711, 1000, 1000), caps, after);
        assertThat(after.active).as("below the new cap again").isTrue();
    }
}
