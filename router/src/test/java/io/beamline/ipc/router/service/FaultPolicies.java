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
        return RouterFixture.policies(dir, Map.of(
                TENANT + "/plain", "{" + PROVIDERS + "}",
                TENANT + "/slow", "{" + PROVIDERS + ",\"faults\":{\"delay_ms\":400}}",
                TENANT + "/late", "{" + PROVIDERS + ",\"faults\":{\"late_reply_ms\":1500}}",
                TENANT + "/silent", "{" + PROVIDERS + ",\"faults\":{\"no_reply\":true}}",
                TENANT + "/blocked", "{" + PROVIDERS + ",\"faults\":{\"error\":{\"code\":\"validator_blocked\","
                        + "\"details\":{\"validator\":\"pii\"}}}}",
                TENANT + "/garbled", "{" + PROVIDERS + ",\"faults\":{\"malformed\":true}}",
                TENANT + "/short_stream", "{" + PROVIDERS + ",\"stream\":{\"chunks\":2,\"chunk_bytes\":7}}",
                TENANT + "/breaks_stream", "{" + PROVIDERS + ",\"faults\":{\"stream_error_after\":1}}",
                TENANT + "/endless_stream", "{" + PROVIDERS + ",\"stream\":{\"chunks\":100000,\"interval_ms\":50}}"));
    }
}
