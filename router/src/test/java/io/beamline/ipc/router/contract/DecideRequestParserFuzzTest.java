package io.beamline.ipc.router.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.beamline.ipc.testkit.Allocations;

/**
 * The reference Router's DecideRequest validation against any body and headers: {@link DecideRequestParser#parse}
 * never throws; it returns a valid request with the contract's required fields, or the contract's error; and it
 * allocates in proportion to the body (the body as a String and as a tree).
 * Seeds: {@code DecideRequestParserFuzzTestInputs/parses/}: a body, then 4 bytes choosing the headers (Jazzer takes
 * them from the input's end; 0 is absent).
 */
class DecideRequestParserFuzzTest {

    private static final DecideRequestParser PARSER = new DecideRequestParser();

    @FuzzTest
    void parses(FuzzedDataProvider data) {
        RequestHeaders headers = new RequestHeaders(header(data), header(data), header(data), header(data));
        byte[] body = data.consumeRemainingAsBytes();

        switch (PARSER.parse(body, headers)) {
            case ParseOutcome.Valid v -> {
                assertThat(v.request().requestId()).isNotEmpty();
                assertThat(v.request().tenantId()).isNotEmpty();
                assertThat(v.request().taskType()).isNotEmpty();
            }
            case ParseOutcome.Invalid i -> assertThat(i.error()).isNotNull();
        }
        long allocated = Allocations.ofSecondRun(() -> PARSER.parse(body, headers));
        assertThat(allocated).as("bytes allocated parsing %d bytes", body.length)
                .isLessThan(64L * body.length + 65_536 + Allocations.fuzzerOverhead());
    }

    /** Header values that matter to the contract, or absent (the default when the input has no bytes left for it). */
    private static final String[] HEADER_VALUES = {null, "1", "2", "acme", "", "4bf92f3577b34da6a3ce929d0e0e4736",
            "not-a-trace-id", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x".repeat(200)};

    /**
     * Picked by a byte taken from the end of the input, so that the body, which Jazzer takes from the start, stays
     * intact (a seed is a body as it is).
     */
    private static String header(FuzzedDataProvider data) {
        return data.pickValue(HEADER_VALUES);
    }
}
