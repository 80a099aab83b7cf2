package io.beamline.ipc.router.service;

import io.beamline.ipc.router.contract.DecideRequestParser;
import io.beamline.ipc.router.decide.DecisionEngine;
import io.beamline.ipc.router.fault.FaultHeaders;
import io.beamline.ipc.router.fault.FaultInjector;
import io.beamline.ipc.router.fault.FaultPlan;
import io.beamline.ipc.router.policy.Policy;
import io.beamline.ipc.router.stream.StreamPublisher;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.service.Endpoint;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessageHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Router on NATS: a jnats micro-service (so {@code $SRV.PING/INFO/STATS} discover it) whose endpoints
 * listen in a queue group, so that several Routers share the load. The connection belongs to the caller;
 * {@link #close()} drains the endpoints so that requests already received are still answered.
 */
public final class RouterService implements AutoCloseable {

    public static final String DECIDE_SUBJECT = "beamline.router.v1.decide";
    public static final String VERSION = "0.1.0";

    private final Service service;
    private final Connection connection;
    private final Dispatcher decideDispatcher;
    private final CompletableFuture<Boolean> done;
    private final ScheduledExecutorService scheduler;
    private final TaskStreams streams;

    private RouterService(Service service, Connection connection, Dispatcher decideDispatcher,
                          CompletableFuture<Boolean> done, ScheduledExecutorService scheduler, TaskStreams streams) {
        this.service = service;
        this.connection = connection;
        this.decideDispatcher = decideDispatcher;
        this.done = done;
        this.scheduler = scheduler;
        this.streams = streams;
    }

    public static RouterService start(Connection connection, RouterConfig config, DecisionEngine engine) {
        DecideRequestParser parser = new DecideRequestParser();
        LoadMeter load = new LoadMeter(System::nanoTime);
        DecisionLog log = new DecisionLog(config.decisionLogMaxEntries(), config.decisionTtl(),
                System::currentTimeMillis);
        // Delayed replies and stream chunks run here, never on a NATS dispatcher thread.
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("router-scheduler-", 0).daemon(true).factory());
        scheduler.setRemoveOnCancelPolicy(true);
        FaultInjector faults = new FaultInjector(config.faultsEnabled(), (tenant, policy) -> engine.policies()
                .find(tenant, policy).map(Policy::faults).orElse(FaultPlan.NONE), new FaultHeaders(parser.mapper()));
        TaskStreams streams = new TaskStreams(new StreamPublisher(connection, scheduler, parser.mapper()),
                engine.policies(), config.stream());
        // Our own dispatcher for decide, so that the status endpoint can read its real queue length.
        Dispatcher decideDispatcher = connection.createDispatcher();
        DelayedReplies delayed = new DelayedReplies(scheduler, config.maxDelayedReplies());
        LookupEndpoints lookups = new LookupEndpoints(connection, parser.mapper(), log, delayed, streams);
        // The service id exists only once the service is built; it is set before the service starts, so
        // every reply can name it.
        AtomicReference<String> instanceId = new AtomicReference<>();
        Service service = Service.builder()
                .connection(connection)
                .name(config.serviceName())
                .version(VERSION)
                .description("Reference Beamline Router: the decide contract over NATS")
                .metadata(Map.of("contract", "beamline.router.v1"))
                .drainTimeout(config.drainTimeout())
                .addServiceEndpoint(ServiceEndpoint.builder()
                        .endpoint(endpoint("decide", DECIDE_SUBJECT, config))
                        .dispatcher(decideDispatcher)
                        .handler(new DecideEndpoint(connection, parser, engine, load, log, faults, delayed,
                                streams, instanceId::get))
                        .build())
                .addServiceEndpoint(endpoint(config, "get_decision", LookupEndpoints.GET_DECISION_SUBJECT,
                        lookups.getDecision()))
                .addServiceEndpoint(endpoint(config, "cancel", LookupEndpoints.CANCEL_SUBJECT, lookups.cancel()))
                .addServiceEndpoint(endpoint(config, "status_backpressure", BackpressureEndpoint.SUBJECT,
                        new BackpressureEndpoint(connection, parser.mapper(), decideDispatcher, load,
                                config.backpressure(), System::currentTimeMillis)))
                .build();
        instanceId.set(service.getId());
        CompletableFuture<Boolean> done = service.startService();
        try {
            if (!service.isStarted(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("NATS service did not start within 5 s");
            }
            // The server has our subscriptions once the flush returns: no request sent after start is lost.
            connection.flush(Duration.ofSeconds(5));
        } catch (TimeoutException e) {
            service.stop(false);
            scheduler.shutdownNow();
            throw new IllegalStateException("NATS server did not confirm the subscriptions within 5 s", e);
        } catch (InterruptedException e) {
            service.stop(false);
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
        return new RouterService(service, connection, decideDispatcher, done, scheduler, streams);
    }

    private static Endpoint endpoint(String name, String subject, RouterConfig config) {
        return Endpoint.builder().name(name).subject(subject).queueGroup(config.queueGroup()).build();
    }

    private static ServiceEndpoint endpoint(RouterConfig config, String name, String subject,
                                            ServiceMessageHandler handler) {
        return ServiceEndpoint.builder().endpoint(endpoint(name, subject, config)).handler(handler).build();
    }

    public String id() {
        return service.getId();
    }

    public Service service() {
        return service;
    }

    /** Streams still publishing; one that ended, was cancelled or stalled (a fault) no longer counts. */
    int runningStreams() {
        return streams.running();
    }

    /** Drains the endpoints (answers what was received), then stops. */
    @Override
    public void close() {
        service.stop(true);
        try {
            // Service.stop(true) drained our decide subscription; the dispatcher itself is ours to close.
            done.get(service.getDrainTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // stopping anyway; the connection's own drain is the last word
        } finally {
            if (connection.getStatus() == Connection.Status.CONNECTED) {
                connection.closeDispatcher(decideDispatcher);
            }
            finishScheduled(service.getDrainTimeout());
        }
    }

    /** Replies already delayed are still sent (within the drain timeout); unfinished streams stop. */
    private void finishScheduled(Duration timeout) {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
