package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamline.ipc.protocol.Capabilities;
import io.beamline.ipc.protocol.Capabilities.MessageTypeInfo;
import io.beamline.ipc.protocol.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "caps", mixinStandardHelpOptions = true,
        description = "Show what the gateway speaks and serves (CAPABILITIES).")
final class CapsCommand implements Callable<Integer> {

    @ParentCommand
    IpcCli ipc;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GatewayCall call = ipc.gatewayCall(spec);
        GatewayCall.Output<Shown> output = new GatewayCall.Output<>() {
            @Override
            public void human(Shown shown, PrintWriter out) {
                Capabilities caps = shown.caps();
                out.println("gateway " + Objects.requireNonNullElse(caps.gatewayVersion(), "(version unknown)")
                        + " at " + call.socket());
                out.println("protocol versions: " + join(caps.protocolVersions(), String::valueOf)
                        + " (this connection: v" + shown.connectionVersion() + ")");
                out.println("max frame: " + caps.maxFrameBytes() + " bytes");
                out.println("served: " + join(types(caps, true), CapsCommand::describe));
                out.println("not served: " + join(types(caps, false), CapsCommand::describe));
                out.println("features: " + join(caps.features(), Function.identity()));
            }

            @Override
            public JsonNode json(Shown shown) {
                return Json.mapper().valueToTree(shown.caps()); // the gateway's answer as is
            }
        };
        return call.run(client -> client.capabilities().thenApply(caps -> new Shown(caps, client.protocolVersion())),
                output);
    }

    /** The answer, and the protocol version the connection that asked speaks. */
    private record Shown(Capabilities caps, int connectionVersion) {
    }

    private static List<MessageTypeInfo> types(Capabilities caps, boolean served) {
        return caps.messageTypes() == null ? List.of()
                : caps.messageTypes().stream().filter(t -> t.served() == served).toList();
    }

    private static String describe(MessageTypeInfo t) {
        return t.name() + String.format(" (0x%02X)", t.code());
    }

    private static <T> String join(List<T> items, Function<T, String> show) {
        return items == null || items.isEmpty() ? "none" : items.stream().map(show).collect(Collectors.joining(", "));
    }
}
