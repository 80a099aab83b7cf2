package io.beamline.ipc.gateway.ipc;

import io.beamline.ipc.gateway.config.IpcConfig;
import io.beamline.ipc.gateway.config.IpcLimits;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.task.RequestTracer;
import io.beamline.ipc.gateway.task.TaskService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ServerChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix-socket listener. The whole per-connection pipeline is wired here, in order:
 * queued-answer count → flush consolidation → frame encoder → peer-credential guard → per-peer caps →
 * connection limit → idle timeout (when on) → frame decoder → request handler. One {@link ReadGate} per
 * connection decides its reading; one {@link MemoryBudget} is shared by all.
 *
 * <p>The settings a reload may change (connection caps, the uid allow-list, in-flight per connection, frame and
 * idle timeouts) are read from the live configuration as each connection comes: they apply to new connections.
 */
public final class IpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IpcServer.class);

    private final IpcConfig config;
    private final EventLoopGroup group;
    private final SocketFile socketFile;
    private final ConnectionLimiter limiter;
    private final Channel serverChannel;
    private final AtomicInteger unanswered;
    private final ChannelGroup connections;
    private final MemoryBudget budget;
    // Socket activation: systemd's socket (its file is left alone at close) and every connection accepted.
    private final Optional<SystemdActivation> activation;
    private final LongAdder accepted;
    private final GatewayCapabilities capabilities;
    private final PeerConnectionCaps peerCaps;

    private IpcServer(IpcConfig config, EventLoopGroup group, SocketFile socketFile, ConnectionLimiter limiter,
                      Channel serverChannel, AtomicInteger unanswered, ChannelGroup connections,
                      MemoryBudget budget, Optional<SystemdActivation> activation, LongAdder accepted,
                      GatewayCapabilities capabilities, PeerConnectionCaps peerCaps) {
        this.activation = activation;
        this.accepted = accepted;
        this.config = config;
        this.group = group;
        this.socketFile = socketFile;
        this.limiter = limiter;
        this.serverChannel = serverChannel;
        this.unanswered = unanswered;
        this.connections = connections;
        this.budget = budget;
        this.capabilities = capabilities;
        this.peerCaps = peerCaps;
    }

    /**
     * One event loop per core unless configured (Netty's own default is two per core). A request costs the
     * loop little, and the NATS dispatcher threads that complete the Router's replies need the cores too.
     */
    static int ioThreads(IpcConfig config) {
        return config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
    }

    /** Like {@link #start(IpcConfig, TaskService, MeterRegistry)}, counting into a private registry. */
    public static IpcServer start(IpcConfig config, TaskService tasks) throws IOException, InterruptedException {
        return start(config, tasks, new SimpleMeterRegistry());
    }

    /** Like {@link #start(IpcConfig, StreamsConfig, TaskService, MeterRegistry)} with the default stream limits. */
    public static IpcServer start(IpcConfig config, TaskService tasks, MeterRegistry meters)
            throws IOException, InterruptedException {
        return start(config, StreamsConfig.DEFAULTS, tasks, meters);
    }

    /** Like {@link #start(IpcConfig, StreamsConfig, TaskService, MeterRegistry, RequestTracer)}, not traced. */
    public static IpcServer start(IpcConfig config, StreamsConfig streams, TaskService tasks, MeterRegistry meters)
            throws IOException, InterruptedException {
        return start(() -> config, streams, tasks, meters, Optional.empty(), RequestTracer.OFF);
    }

    /**
     * Like {@link #start(IpcConfig, StreamsConfig, TaskService, MeterRegistry)}, but with a socket systemd
     * passed, when there is one: served as it is (systemd made its file and set its mode), never bound here.
     */
    public static IpcServer start(IpcConfig config, StreamsConfig streams, TaskService tasks, MeterRegistry meters,
                                  Optional<SystemdActivation> activation) throws IOException, InterruptedException {
        return start(() -> config, streams, tasks, meters, activation, RequestTracer.OFF);
    }

    /**
     * The full form: binds and publishes the socket, or serves the one systemd passed when there is one; returns
     * once clients can connect. A reload may change {@code live} (read when a connection arrives); answers are
     * counted in {@code meters}; each request's server span is started by {@code tracer}.
     */
    public static IpcServer start(Supplier<IpcConfig> live, StreamsConfig streams, TaskService tasks,
                                  MeterRegistry meters, Optional<SystemdActivation> activation, RequestTracer tracer)
            throws IOException, InterruptedException {
        IpcConfig config = live.get(); // for what needs a restart: the socket, threads, frame size, buffers
        if (!Epoll.isAvailable()) {
            throw new IOException("Netty epoll transport unavailable", Epoll.unavailabilityCause());
        }
        int selfUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        GatewayCapabilities capabilities = new GatewayCapabilities(config.maxFrameBytes());
        RequestDispatcher dispatcher = new RequestDispatcher(tasks, capabilities, meters, tracer);
        PeerCredentialsGuard guard = new PeerCredentialsGuard(() -> live.get().allowedUids(), selfUid);
        IpcLimits atStart = config.limits();
        PeerConnectionCaps peerCaps = new PeerConnectionCaps(() -> live.get().limits().maxConnectionsPerPid(),
                () -> live.get().limits().maxConnectionsPerUid());
        ConnectionLimiter limiter = new ConnectionLimiter(() -> live.get().maxConnections());
        MemoryBudget budget = new MemoryBudget(atStart.maxBufferedBytes(), atStart.resumeBufferedBytes());
        AtomicInteger unanswered = new AtomicInteger();
        ChannelGroup connections = new DefaultChannelGroup("ipc-connections", GlobalEventExecutor.INSTANCE);

        SocketFile socketFile = activation.isEmpty() ? SocketFile.prepare(config.socketPath()) : null;
        LongAdder accepted = new LongAdder();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(ioThreads(config),
                new DefaultThreadFactory("ipc-io"), EpollIoHandler.newFactory());
        try {
            io.netty.channel.ChannelFactory<ServerChannel> channels = activation.isEmpty()
                    ? EpollServerDomainSocketChannel::new
                    // active: it listens already, so accepting starts on registration, without a bind
                    : () -> new EpollServerDomainSocketChannel(activation.get().socket().fd(), true);
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channelFactory(channels)
                    // Answers queued for one slow reader beyond the high mark stop reading it (until below the low).
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes()))
                    .childHandler(new ChannelInitializer<DomainSocketChannel>() {
                        @Override
                        protected void initChannel(DomainSocketChannel ch) {
                            connections.add(ch); // removed by the group when the channel closes
                            accepted.increment();
                            ChannelPipeline p = ch.pipeline();
                            IpcConfig now = live.get();
                            IpcLimits limits = now.limits();
                            ReadGate gate = new ReadGate(ch, now.maxInFlightPerConnection(), budget);
                            ch.attr(ReadGate.KEY).set(gate);
                            p.addLast("queued", new QueuedAnswers(gate));
                            p.addLast("flush", new FlushConsolidationHandler(256, true));
                            p.addLast("encoder", FrameEncoder.INSTANCE);
                            p.addLast("peer", guard);
                            p.addLast("peer-caps", peerCaps); // before the total: a runaway pid takes no slot of it
                            p.addLast("limit", limiter);
                            if (limits.idleTimeoutEnabled()) {
                                p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS));
                            }
                            p.addLast("decoder", new FrameDecoder(config.maxFrameBytes(), limits.frameTimeout(), gate,
                                    () -> tasks.natsMaxPayload().orElse(-1)));
                            p.addLast("requests", new IpcRequestHandler(dispatcher, unanswered, gate,
                                    streams.maxBufferedBytes()));
                        }
                    });
            Channel server;
            if (activation.isEmpty()) {
                server = b.bind(new DomainSocketAddress(socketFile.bindPath().toFile())).sync().channel();
                socketFile.publish();
                LOG.info("listening on {} (max {} connections, {} per pid, {} per uid, max frame {} bytes, "
                                + "allowed uids {})", config.socketPath(), config.maxConnections(),
                        atStart.maxConnectionsPerPid(), atStart.maxConnectionsPerUid(), config.maxFrameBytes(),
                        config.allowedUids());
            } else {
                server = b.register().sync().channel();
                SystemdActivation a = activation.get();
                LOG.info("listening on inherited socket {} at {} (max {} connections, {} per pid, {} per uid, max frame"
                                + " {} bytes, allowed uids {}; its file and modes are systemd's)", a.describe(),
                        a.socket().describe(), config.maxConnections(), atStart.maxConnectionsPerPid(),
                        atStart.maxConnectionsPerUid(), config.maxFrameBytes(), config.allowedUids());
                if (a.socket().path().filter(config.socketPath()::equals).isEmpty()) {
                    LOG.info("ipc.socket_path {} is not used: systemd passed the socket", config.socketPath());
                }
            }
            return new IpcServer(config, group, socketFile, limiter, server, unanswered, connections, budget,
                    activation, accepted, capabilities, peerCaps);
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (socketFile != null) {
                socketFile.close();
            }
            throw e;
        }
    }

    /** Where clients connect: {@code ipc.socket_path}, or the path of the socket systemd passed. */
    public Path socketPath() {
        return activation.flatMap(a -> a.socket().path()).orElse(config.socketPath());
    }

    /** Whether the socket came from systemd (socket activation) rather than being bound here. */
    public boolean socketActivated() {
        return activation.isPresent();
    }

    /** Connections accepted since start, refused ones included: a count that only grows. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /**
     * {@code ipc.activation_idle_exit_ms}: runs {@code exit} once no connection has been open and nothing in
     * flight (here, or {@code busyElsewhere}) for {@code idle}. Checked on an event loop; stops with the server.
     */
    public void exitWhenIdle(Duration idle, BooleanSupplier busyElsewhere, Runnable exit) {
        IdleExit idleExit = new IdleExit(idle, System::nanoTime, accepted::sum,
                () -> !connections.isEmpty() || unanswered.get() > 0 || busyElsewhere.getAsBoolean(), exit);
        idleExit.scheduleOn(group.next(), IdleExit.checkInterval(idle));
    }

    public int openConnections() {
        return limiter.openConnections();
    }

    /** Bytes of answers queued in the gateway for clients that have not read them yet, over all connections. */
    public long queuedOutboundBytes() {
        long total = 0;
        for (Channel ch : connections) {
            var buffer = ch.unsafe().outboundBuffer();
            total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
        }
        return total;
    }

    /** Bytes held for all connections: partial frames being accumulated and answers queued for writing. */
    public long bufferedBytes() {
        return budget.total();
    }

    /** Whether {@code ipc.max_buffered_bytes} is reached, so that connections holding bytes are not read. */
    public boolean bufferBudgetExhausted() {
        return budget.exhausted();
    }

    /** Requests read from clients and not answered yet, over all connections. */
    public int unansweredRequests() {
        return unanswered.get();
    }

    /** CAPABILITIES names the admin endpoint from now on ({@code admin_url}). */
    public void advertiseAdminUrl(String url) {
        capabilities.advertiseAdmin(url);
    }

    /** The connections and their limits now, for {@code /status}; reads counters only, off the event loops. */
    public ConnectionsStatus status() {
        return new ConnectionsStatus(limiter.openConnections(), limiter.max(), peerCaps.maxPerPid(),
                peerCaps.maxPerUid(), peerCaps.peerProcesses(), peerCaps.connectionsByUid(), budget.total(),
                config.limits().maxBufferedBytes()); // the caps as reloaded; the budget needs a restart
    }

    /** First step of a drain: new clients are refused by the kernel; connected ones are still served. */
    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }

    /** Stops accepting, closes every connection, removes the socket file. */
    public void close(Duration quietPeriod) {
        serverChannel.close().syncUninterruptibly();
        if (socketFile != null) { // an inherited socket's file is systemd's: it stays
            socketFile.close();
        }
        group.shutdownGracefully(quietPeriod.toMillis(), Math.max(quietPeriod.toMillis(), 2_000), TimeUnit.MILLISECONDS)
                .syncUninterruptibly();
        LOG.info("stopped listening on {}", socketPath());
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
