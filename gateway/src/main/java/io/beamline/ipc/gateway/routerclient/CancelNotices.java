package io.beamline.ipc.gateway.routerclient;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.protocol.Json;
import java.util.Map;

/**
 * Tells the Router a task it may be working on is no longer wanted ({@code client_cancel}, {@code client_gone}),
 * so it can drop work held for it. Best effort: core NATS gives no receipt.
 */
public final class CancelNotices {

    public static final String CLIENT_CANCEL = "client_cancel";
    public static final String CLIENT_GONE = "client_gone";

    private final RouterClient router;
    private final RouterConfig config;

    public CancelNotices(RouterClient router, RouterConfig config) {
        this.router = router;
        this.config = config;
    }

    /** @return whether the notice was handed to a connected NATS connection */
    public boolean send(String taskId, String traceId, String reason) {
        ObjectNode notice = JsonNodeFactory.instance.objectNode().put("request_id", taskId)
                .put("trace_id", traceId).put("reason", reason);
        return router.publish(config.cancelSubject(), Map.of("trace_id", traceId, "version", "1",
                "request_id", taskId), Json.write(notice));
    }
}
