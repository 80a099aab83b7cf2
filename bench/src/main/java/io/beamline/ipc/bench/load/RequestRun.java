package io.beamline.ipc.bench.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One path at one depth in the JSON report ({@link Report}). A figure that could not be had (no requests, a
 * process not read) is null, not NaN, which JSON does not have.
 *
 * @param cpuUsPerRequest              CPU time per successful request, in µs, by process; this benchmark's own
 *                                     is {@code client}
 * @param gatewayAllocBytesPerRequest  heap bytes the gateway allocated per successful request; only on paths
 *                                     through the gateway, and only when its allocation was read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestRun(
        @JsonProperty("depth") int depth,
        @JsonProperty("path") String path,
        @JsonProperty("connections") int connections,
        @JsonProperty("requests_per_s") double requestsPerS,
        @JsonProperty("p50_ms") double p50Ms,
        @JsonProperty("p99_ms") double p99Ms,
        @JsonProperty("p999_ms") double p999Ms,
        @JsonProperty("errors") long errors,
        @JsonProperty("cpu_us_per_request") Map<String, Double> cpuUsPerRequest,
        @JsonProperty("gateway_alloc_bytes_per_request") Double gatewayAllocBytesPerRequest) {

    /** The {@link ProcessCpu} name of the benchmark's own process, and what the JSON calls it. */
    static final String SELF = "bench";
    static final String CLIENT = "client";
    static final String GATEWAY = "gateway";

    /** {@code m} at {@code depth}; {@code viaGateway}: the path goes through the gateway, so its allocation counts. */
    public static RequestRun of(int depth, SideBySide.Measured m, boolean viaGateway) {
        LoadResult r = m.result();
        Map<String, Double> cpu = new LinkedHashMap<>();
        m.cpuSeconds().keySet().forEach(p -> cpu.put(p.equals(SELF) ? CLIENT : p, orNull(m.cpuMicrosPerRequest(p))));
        Double alloc = viaGateway ? orNull(m.allocatedBytesPerRequest(GATEWAY)) : null;
        return new RequestRun(depth, m.path(), m.connections(), r.perSecond(), r.ms(50), r.ms(99), r.ms(99.9),
                r.errors(), cpu, alloc);
    }

    /** Each pair's two paths, depth by depth; {@code firstViaGateway}, {@code secondViaGateway} as in {@link #of}. */
    public static List<RequestRun> of(List<SideBySide.Pair> pairs, boolean firstViaGateway, boolean secondViaGateway) {
        List<RequestRun> runs = new ArrayList<>();
        for (SideBySide.Pair pair : pairs) {
            runs.add(of(pair.depth(), pair.first(), firstViaGateway));
            runs.add(of(pair.depth(), pair.second(), secondViaGateway));
        }
        return runs;
    }

    static Double orNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
