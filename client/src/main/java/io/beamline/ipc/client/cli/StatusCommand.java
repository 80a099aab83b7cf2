package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the gateway's state: connections, NATS, breaker, backpressure, limits.",
                "Asks CAPABILITIES for the admin endpoint (admin_url), then GET /status on it (loopback only); "
                        + "--json prints that document as it came. Exit code 6 when the admin endpoint is off or "
                        + "does not answer."})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GatewayCall call = ipc.gatewayCall(spec);
        // The HTTP request runs off the client's reader thread, bounded by --timeout like the answer.
        return call.run(client -> client.capabilities().thenApplyAsync(
                caps -> AdminStatus.fetch(caps, call.socket(), call.timeout())), new GatewayCall.Output<>() {
                    @Override
                    public void human(JsonNode status, PrintWriter out) {
                        new StatusPrinter(out).print(status);
                    }

                    @Override
                    public JsonNode json(JsonNode status) {
                        return status;
                    }
                });
    }
}
