package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Asks the gateway's admin endpoint for {@code GET /status}, at the {@code admin_url} its CAPABILITIES names.
 * Loopback only: the status tells how the gateway is configured, and the endpoint never listens elsewhere.
 * {@link HttpURLConnection} (java.base) rather than java.net.http: one request, and no extra JDK module for the
 * CLI.
 */
final class AdminStatus {

    static final String HOW_TO_ENABLE = "turn it on with admin.enabled=true (environment BEAMLINE_ADMIN_ENABLED=true"
            + " or the gateway's --config file) and restart the gateway; --admin-port PORT picks its port";

    private AdminStatus() {
    }

    /** The status document; a {@link CommandFailure} says why there is none. */
    static JsonNode fetch(Capabilities caps, Path socket, Duration timeout) {
        String adminUrl = caps.adminUrl();
        if (adminUrl == null || adminUrl.isBlank()) {
            throw new CommandFailure(ExitCodes.ADMIN_UNAVAILABLE, "the gateway at " + socket
                    + " has no admin endpoint (its CAPABILITIES name no admin_url): " + HOW_TO_ENABLE);
        }
        URI uri = loopbackStatusUri(adminUrl);
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            http.setConnectTimeout(millis(timeout));
            http.setReadTimeout(millis(timeout));
            http.setRequestProperty("Accept", "application/json");
            int code = http.getResponseCode();
            if (code != 200) {
                throw new CommandFailure(ExitCodes.ADMIN_UNAVAILABLE, "the admin endpoint answered GET " + uri
                        + " with HTTP " + code + (code == 404 ? " (a gateway older than /status?)" : ""));
            }
            byte[] body;
            try (InputStream in = http.getInputStream()) {
                body = in.readAllBytes();
            }
            return Json.parseObject(body);
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.ADMIN_UNAVAILABLE, "the admin endpoint did not answer GET " + uri
                    + ": " + e, e);
        } catch (io.beamline.ipc.protocol.ProtocolException e) {
            throw new CommandFailure(ExitCodes.PROTOCOL, "GET " + uri + " did not return a JSON object: "
                    + e.getMessage(), e);
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }

    /** {@code ADMIN_URL/status}, refused unless its host is a loopback address. */
    static URI loopbackStatusUri(String adminUrl) {
        URI base;
        try {
            base = URI.create(adminUrl);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.PROTOCOL, "the gateway's admin_url is not a URL: " + adminUrl, e);
        }
        if (!"http".equals(base.getScheme()) || base.getHost() == null || !isLoopback(base.getHost())) {
            throw new CommandFailure(ExitCodes.PROTOCOL, "the gateway's admin_url " + adminUrl
                    + " is not http on a loopback address; ipc status asks loopback only");
        }
        return base.resolve("/status");
    }

    private static boolean isLoopback(String host) {
        try {
            // A literal address (what the gateway sends) is parsed, not looked up.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
