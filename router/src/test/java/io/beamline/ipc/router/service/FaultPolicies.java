package io.beamline.ipc.router.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The policy files of the fault and stream tests: tenant {@code faulty}, one policy per fault. */
final class FaultPolicies {

    static final String TENANT = "faulty";
    private static final String PROVIDERS = "\"providers\":[{\"name\":\"p1\",\"weight\":100}]";

    private FaultPolicies() {
    }

    static Path write(Path dir) throws IOException {
        return RouterFixture.policies(dir, Map.ofEntries(
                Map.entry(TENANT + "/plain", "{" + PROVIDERS + "}"),
                Map.entry(TENANT + "/slow", "{" + PROVIDERS + ",\"faults\":{\"delay_ms\":400}}"),
                Map.entry(TENANT + "/late", "{" + PROVIDERS + ",\"faults\":{\"late_reply_ms\":1500}}"),
                Map.entry(TENANT + "/silent", "{" + PROVIDERS + ",\"faults\":{\"no_reply\":true}}"),
                Map.entry(TENANT + "/blocked", "{" + PROVIDERS + ",\"faults\":{\"error\":{"
                        + "\"code\":\"validator_blocked\",\"details\":{\"validator\":\"pii\"}}}}"),
                Map.entry(TENANT + "/garbled", "{" + PROVIDERS + ",\"faults\":{\"malformed\":true}}"),
                Map.entry(TENANT + "/short_stream", "{" + PROVIDERS + ",\"stream\":{\"chunks\":2,\"chunk_bytes\":7}}"),
                Map.entry(TENANT + "/breaks_stream", "{" + PROVIDERS + ",\"faults\":{\"stream_error_after\":1}}"),
                Map.entry(TENANT + "/skips_stream", "{" + PROVIDERS + ",\"faults\":{\"stream_skip_seq\":1}}"),
                Map.entry(TENANT + "/stalls_stream", "{" + PROVIDERS + ",\"faults\":{\"stream_stall_after\":0}}"),
                Map.entry(TENANT + "/endless_stream",
                        "{" + PROVIDERS + ",\"stream\":{\"chunks\":100000,\"interval_ms\":50}}")));
    }
}
