package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.client.IpcClient;
import io.beamline.ipc.protocol.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Check that the gateway answers; prints the round-trip time.")
final class PingCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GatewayCall call = ipc.gatewayCall(spec);
        return call.run(IpcClient::ping, new GatewayCall.Output<>() {
            @Override
            public void human(Duration rtt, PrintWriter out) {
                out.println("PONG from " + call.socket() + " in " + millis(rtt) + " ms");
            }

            @Override
            public JsonNode json(Duration rtt) {
                // PONG has no payload; give scripts what they would ask for.
                return Json.mapper().createObjectNode()
                        .put("pong", true)
                        .put("socket", call.socket().toString())
                        .put("rtt_ms", rtt.toNanos() / 1e6);
            }
        });
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }
}
