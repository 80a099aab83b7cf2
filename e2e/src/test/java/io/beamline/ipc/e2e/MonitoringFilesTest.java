package io.beamline.ipc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric names read out of PromQL are those of the expression, not its functions, labels or numbers. */
class MonitoringFilesTest {

    @Test
    void metricNamesLeaveOutFunctionsLabelsRangesAndKeywords() {
        assertThat(MonitoringFiles.metricNames("histogram_quantile(0.99, sum by (job, le) (rate("
                + "ipc_requests_seconds_bucket{type=\"TASK_SUBMIT\", outcome=~\"ok|x\"}[5m]))) > 0.5 and on (job) "
                + "nats_connections_connected == 0 or sum without (instance) (increase(streams_chunks_total[1h]))"))
                .containsExactly("ipc_requests_seconds_bucket", "nats_connections_connected", "streams_chunks_total");
        assertThat(MonitoringFiles.metricNames("label_values(ipc_connections_open, instance)"))
                .containsExactly("ipc_connections_open");
    }

    @Test
    void theDeployFilesNameTheMetricsTheyAreAbout() throws Exception {
        assertThat(MonitoringFiles.alertExpressions()).hasSize(4)
                .allSatisfy(e -> assertThat(MonitoringFiles.metricNames(e)).isNotEmpty());
        assertThat(MonitoringFiles.alertExpressions().stream().flatMap(e -> MonitoringFiles.metricNames(e).stream()))
                .contains("nats_connections_connected", "router_breaker_state", "ipc_requests_seconds_count",
                        "ipc_requests_seconds_bucket");
        assertThat(MonitoringFiles.dashboardExpressions()).hasSizeGreaterThan(20)
                .allSatisfy(e -> assertThat(MonitoringFiles.metricNames(e)).as(e).isNotEmpty());
    }
}
