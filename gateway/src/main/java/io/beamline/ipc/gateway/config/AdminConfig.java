package io.beamline.ipc.gateway.config;

/** The admin endpoint (metrics, health): on or off, and its loopback port (0 = any free port). */
public record AdminConfig(boolean enabled, int port) {
}
