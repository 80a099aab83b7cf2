package io.beamline.ipc.gateway.config;

import java.time.Duration;

/** The Router's decide service: its subject and the default deadline of one request. */
public record RouterConfig(String subject, Duration timeout) {
}
