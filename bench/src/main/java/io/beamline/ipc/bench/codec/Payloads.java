package io.beamline.ipc.bench.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Frame;
import io.beamline.ipc.protocol.Json;

/** Realistic TASK_SUBMIT payloads of an exact size, for the codec benchmarks. */
final class Payloads {

    /** Code-like filler for the {@code context} field: ASCII, nothing JSON has to escape. */
    private static final String CODE = "def hello_world(name): greeting = 'Hello, ' + name; print(greeting); "
            + "return len(greeting) # TODO handle unicode names and empty input properly ";

    private Payloads() {
    }

    /**
     * A TASK_SUBMIT payload shaped as the v1 docs describe it
     * ({@code command, task_type, file, line, context, params}), padded through {@code context} to exactly
     * {@code payloadBytes} bytes of UTF-8 JSON.
     */
    static byte[] taskSubmit(int payloadBytes) {
        int base = build("").length;
        int fill = payloadBytes - base;
        if (fill < 0) {
            throw new IllegalArgumentException("payload of " + payloadBytes + " B is smaller than the skeleton ("
                    + base + " B)");
        }
        StringBuilder context = new StringBuilder(fill);
        while (context.length() < fill) {
            context.append(CODE, 0, Math.min(CODE.length(), fill - context.length()));
        }
        byte[] json = build(context.toString());
        if (json.length != payloadBytes) {
            throw new IllegalStateException("built " + json.length + " B, wanted " + payloadBytes);
        }
        Json.parseObject(json); // must be valid for the protocol's own reader
        return json;
    }

    /** The payload for a frame whose whole size, header included, is {@code frameBytes}. */
    static byte[] forFrameOf(int frameBytes) {
        return taskSubmit(frameBytes - Frame.HEADER_BYTES);
    }

    private static byte[] build(String context) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("command", "task_submit");
        o.put("task_type", "code_completion");
        o.put("file", "/home/dev/src/app/greeter.py");
        o.put("line", 42);
        o.put("context", context);
        ObjectNode params = o.putObject("params");
        params.put("language", "python");
        params.put("max_tokens", 64);
        return Json.write(o);
    }
}
