package io.beamline.ipc.router.service;

import io.beamline.ipc.router.contract.DecideRequest;
import io.beamline.ipc.router.fault.FaultPlan;
import io.beamline.ipc.router.policy.Policy;
import io.beamline.ipc.router.policy.PolicyStore;
import io.beamline.ipc.router.stream.StreamFaults;
import io.beamline.ipc.router.stream.StreamOverride;
import io.beamline.ipc.router.stream.StreamPublisher;
import io.beamline.ipc.router.stream.StreamSettings;

/** Starts the output stream of a decided {@code task.stream: true} request with its policy's settings. */
final class TaskStreams {

    private final StreamPublisher publisher;
    private final PolicyStore policies;
    private final StreamSettings defaults;

    TaskStreams(StreamPublisher publisher, PolicyStore policies, StreamSettings defaults) {
        this.publisher = publisher;
        this.policies = policies;
        this.defaults = defaults;
    }

    void start(DecideRequest request, FaultPlan fault) {
        StreamSettings settings = policies.find(request.tenantId(), request.policyId()).map(Policy::stream)
                .orElse(StreamOverride.NONE).over(defaults);
        publisher.start(request.requestId(), request.traceId(), settings,
                new StreamFaults(fault.streamErrorAfter(), fault.streamSkipSeq(), fault.streamStallAfter()));
    }

    boolean cancel(String requestId) {
        return publisher.cancel(requestId);
    }

    /** Streams still publishing (a stalled stream no longer counts). */
    int running() {
        return publisher.active();
    }
}
