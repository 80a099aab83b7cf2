package io.beamline.ipc.gateway.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.ErrorBody;
import java.time.Instant;

/** A task as the registry knows it at one moment: decision when it succeeded, error when it did not. */
public record TaskSnapshot(String taskId, String traceId, TaskStatus status, JsonNode decision, ErrorBody error,
                           Instant createdAt, Instant finishedAt) {
}
