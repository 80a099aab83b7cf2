package io.beamline.ipc.bench.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.gateway.config.RouterConfig;
import io.beamline.ipc.gateway.routerclient.DecideCall;
import io.beamline.ipc.gateway.routerclient.DecideClient;
import io.beamline.ipc.gateway.routerclient.DecideRequestMapper;
import io.beamline.ipc.gateway.routerclient.RouterResponse;
import io.beamline.ipc.gateway.task.TaskAnswer;
import io.beamline.ipc.gateway.task.TaskOutcome;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.SubmitPayload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's own work on one submit, without I/O, threads or NATS: the submit's payload read and mapped
 * to the DecideRequest bytes, then the Router's reply read and turned into the answer frame — the gateway's
 * classes, called as the task path calls them. Run with {@code -prof gc} for the bytes allocated per request
 * ({@code gc.alloc.rate.norm}).
 *
 * <p>{@link #treesAsBefore} is the same work done the way the gateway did it before issue 10 (a Jackson tree
 * for the submit, a second for the DecideRequest, one for the reply, one more for the answer, each written
 * out), kept here so that the two stand side by side in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestPathBenchmark {

    /** What the side-by-side benchmark submits (GatewayPathBenchmark.SUBMIT). */
    public static final byte[] SUBMIT = bytes("{\"task_type\":\"text.generate\",\"payload\":{\"prompt\":\"Hello, world\"}}");
    /** What the reference Router answers it (recorded from a bench run). */
    public static final byte[] REPLY = bytes("{\"ok\":true,\"decision\":{\"provider_id\":\"openai\",\"priority\":50,"
            + "\"reason\":\"weighted\",\"expected_latency_ms\":0,\"expected_cost\":0.0,\"metadata\":{\"deadline\":"
            + "1796102862242,\"traceparent\":\"00-3f9dc73253bc59d223bd15fb86df9d94-f2cb986567b25bad-01\",\"tenant_id\":"
            + "\"default_tenant\",\"executed_extensions\":[]}},\"context\":{\"request_id\":"
            + "\"72e32d38-67f5-4843-b9d1-81181c5d91ed\",\"trace_id\":\"3f9dc73253bc59d223bd15fb86df9d94\"}}");

    private final DecideRequestMapper mapper =
            new DecideRequestMapper(RouterConfig.defaults(Duration.ofSeconds(5)), Clock.systemUTC());

    /** Submit payload → DecideRequest bytes and headers. */
    @Benchmark
    public void submitToDecideRequest(Blackhole bh) {
        DecideCall call = mapper.map(SubmitPayload.read(SUBMIT));
        bh.consume(call.body());
        bh.consume(call.headers());
    }

    /** The Router's reply → the answer frame. */
    @Benchmark
    public Frame replyToAnswer() {
        TaskOutcome outcome = DecideClient.outcomeOf(new RouterResponse.Reply(REPLY));
        return TaskAnswer.of("72e32d38-67f5-4843-b9d1-81181c5d91ed", "3f9dc73253bc59d223bd15fb86df9d94", outcome)
                .toFrame();
    }

    /** Both halves: the gateway's JSON work on one request. */
    @Benchmark
    public void wholeRequest(Blackhole bh) {
        DecideCall call = mapper.map(SubmitPayload.read(SUBMIT));
        bh.consume(call.body());
        TaskOutcome outcome = DecideClient.outcomeOf(new RouterResponse.Reply(REPLY));
        bh.consume(TaskAnswer.of(call.taskId(), call.traceId(), outcome).toFrame());
    }

    /** The same request as trees, the way the gateway did it before (see the class comment). */
    @Benchmark
    public void treesAsBefore(Blackhole bh) {
        ObjectNode submit = Json.parseObject(SUBMIT);
        ObjectNode payload = (ObjectNode) submit.get("payload");
        bh.consume(Json.write(payload).length); // the old size check wrote the payload once more
        ObjectNode task = JsonNodeFactory.instance.objectNode().put("type", submit.get("task_type").asText());
        task.set("payload", payload);
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("version", "1")
                .put("request_id", "72e32d38-67f5-4843-b9d1-81181c5d91ed").put("tenant_id", "default_tenant")
                .put("trace_id", "3f9dc73253bc59d223bd15fb86df9d94");
        request.set("task", task);
        request.put("policy_id", "default");
        request.set("metadata", JsonNodeFactory.instance.objectNode().put("deadline", System.currentTimeMillis()));
        bh.consume(Json.write(request));
        JsonNode decision = Json.parseObject(REPLY).get("decision");
        ObjectNode answer = JsonNodeFactory.instance.objectNode().put("ok", true)
                .put("task_id", "72e32d38-67f5-4843-b9d1-81181c5d91ed")
                .put("trace_id", "3f9dc73253bc59d223bd15fb86df9d94");
        answer.set("decision", decision);
        bh.consume(Json.write(answer));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
