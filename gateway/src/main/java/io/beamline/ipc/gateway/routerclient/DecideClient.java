package io.beamline.ipc.gateway.routerclient;

import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.ErrorBody;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Asks the Router's decide service for one mapped submit, waiting as long as the call's deadline (decided by
 * the mapper). The outcome is the decision, the Router's error through the translation table, or why no reply
 * came; cancelling the future frees the request.
 */
public final class DecideClient {

    /** The Router's stream subjects (reference Router, router/README.md "Streaming"). */
    static final String STREAM_SUBJECT_PREFIX = "beamline.router.v1.stream";

    private final RouterClient router;
    private final RouterConfig config;

    public DecideClient(RouterClient router, RouterConfig config) {
        this.router = router;
        this.config = config;
    }

    /**
     * Refuses a call whose DecideRequest NATS would not take: larger (headers and body) than the max_payload the
     * NATS server announced. Checked before the submit is admitted or registered, so nothing is published and
     * its task id stays free; empty while no server is connected (then the send itself says why).
     */
    public Optional<ErrorBody> tooLargeForNats(DecideCall call) {
        long max = router.natsMaxPayload();
        if (max < 0) {
            return Optional.empty();
        }
        long size = RouterClient.wireSize(call.headers(), call.body());
        if (size <= max) {
            return Optional.empty();
        }
        return Optional.of(ErrorBody.exceedsNatsMaxPayload(RouterClient.tooLarge(size, max)));
    }

    public CompletableFuture<TaskOutcome> ask(DecideCall call) {
        return router.request(RouterCall.DECIDE, config.subject(), call.headers(), call.body(), call.deadline(),
                RouterReply::toOutcome);
    }

    /** What a decide response means for the task: the decision, the Router's error, or why there is none. */
    public static TaskOutcome outcomeOf(RouterResponse response) {
        return RouterReply.toOutcome(response);
    }

    /**
     * Asks decide for a streaming submit: the stream's subscription comes first, on the same connection;
     * {@code onStream} hears every stream message in order.
     */
    public RouterClient.StreamingRequest<TaskOutcome> askStreaming(DecideCall call, Consumer<StreamEvent> onStream) {
        return router.requestWithStream(config.subject(), call.headers(), call.body(), call.deadline(),
                RouterReply::toOutcome, call.streamSubject(STREAM_SUBJECT_PREFIX), onStream);
    }
}
