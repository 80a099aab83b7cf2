package io.beamline.ipc.gateway.task;

import java.time.Instant;
import java.util.Optional;

/** A task as the registry knows it at one moment; {@code outcome} is empty while it is pending. */
public record TaskSnapshot(String taskId, String traceId, TaskStatus status, Optional<TaskOutcome> outcome,
                           Instant createdAt, Instant finishedAt) {
}
