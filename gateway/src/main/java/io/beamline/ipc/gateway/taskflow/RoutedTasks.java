package io.beamline.ipc.gateway.taskflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.config.StreamsConfig;
import io.beamline.ipc.gateway.resilience.SubmitGates;
import io.beamline.ipc.gateway.routerclient.CancelNotices;
import io.beamline.ipc.gateway.routerclient.DecideClient;
import io.beamline.ipc.gateway.routerclient.DecisionLookup;
import io.beamline.ipc.gateway.routerclient.RouterClient;
import io.beamline.ipc.gateway.task.Caller;
import io.beamline.ipc.gateway.task.RequestSpan;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskRegistry;
import io.beamline.ipc.gateway.task.TaskService;
import io.beamline.ipc.protocol.SubmitPayload;
import io.beamline.ipc.protocol.TaskRef;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Tasks served by the Router: each request type is its own flow ({@link SubmitTask}, {@link QueryTask},
 * {@link CancelTask}, {@link SubscribeStream}).
 */
public final class RoutedTasks implements TaskService, AutoCloseable {

    private final SubmitTask submit;
    private final QueryTask query;
    private final CancelTask cancel;
    private final SubscribeStream subscribe;
    private final StreamRegistry streams;
    private final RouterClient router;

    public RoutedTasks(RouterClient router, RouterConfig config, StreamsConfig streamsConfig, SubmitGates gates,
                       TaskRegistry registry) {
        this(router, () -> config, streamsConfig, gates, registry);
    }

    /** The Router's deadlines are read from {@code liveConfig} per request: a reload may change them. */
    public RoutedTasks(RouterClient router, Supplier<RouterConfig> liveConfig, StreamsConfig streamsConfig,
                       SubmitGates gates, TaskRegistry registry) {
        RouterConfig config = liveConfig.get(); // subjects and defaults need a restart
        this.router = router;
        CancelNotices notices = new CancelNotices(router, config);
        this.streams = new StreamRegistry(streamsConfig, notices);
        this.submit = new SubmitTask(liveConfig, gates, registry, new DecideClient(router, config), notices,
                streams);
        this.query = new QueryTask(registry, new DecisionLookup(router, liveConfig));
        this.cancel = new CancelTask(registry, notices, streams);
        this.subscribe = new SubscribeStream(streams);
    }

    /** Streams held now, running or kept for replay. */
    public int streams() {
        return streams.size();
    }

    /** Streams running now (not yet ended). */
    public int runningStreams() {
        return streams.running();
    }

    @Override
    public CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller) {
        return submit.submit(payload, caller, RequestSpan.NONE);
    }

    @Override
    public CompletableFuture<TaskAnswer> submit(SubmitPayload payload, Caller caller, RequestSpan span) {
        return submit.submit(payload, caller, span);
    }

    @Override
    public CompletableFuture<TaskAnswer> query(TaskRef task) {
        return query.query(task);
    }

    @Override
    public CompletableFuture<TaskAnswer> cancel(TaskRef task) {
        return cancel.cancel(task);
    }

    @Override
    public CompletableFuture<TaskAnswer> subscribe(ObjectNode payload, Caller caller) {
        return subscribe.subscribe(payload, caller);
    }

    @Override
    public OptionalLong natsMaxPayload() {
        long max = router.natsMaxPayload();
        return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
    }

    /** For {@link StreamMetrics}. */
    StreamRegistry streamRegistry() {
        return streams;
    }

    /** Running streams end ({@code cancelled}); the stream timers stop. */
    @Override
    public void close() {
        streams.close();
    }
}
