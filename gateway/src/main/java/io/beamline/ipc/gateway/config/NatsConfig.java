package io.beamline.ipc.gateway.config;

import java.net.URI;
import java.util.List;

/** How to reach NATS. Pool, credentials and TLS arrive with the Router bridge. */
public record NatsConfig(List<URI> urls) {
}
