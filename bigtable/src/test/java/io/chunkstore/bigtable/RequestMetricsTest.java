package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    @Test
    void bucketsAreExponentialFromOneMillisecondByFour() {
        assertThat(io.chunkstore.spi.support.RequestDurations.cortexBuckets())
                .containsExactly(
                        Duration.ofMillis(1),
                        Duration.ofMillis(4),
                        Duration.ofMillis(16),
                        Duration.ofMillis(64),
                        Duration.ofMillis(256),
                        Duration.ofMillis(1024),
                        Duration.ofMillis(4096),
                        Duration.ofMillis(16384),
                        Duration.ofMillis(65536));
    }

    /** Cortex's gRPC instrumentation: 2xx for OK, cancel for CANCELLED, error for the rest. */
    @Test
    void statusCodesAreCortexs() {
        assertThat(RequestMetrics.statusCode(Status.OK)).isEqualTo("2xx");
        assertThat(RequestMetrics.statusCode(Status.CANCELLED)).isEqualTo("cancel");
        for (Status s :
                new Status[] {
                    Status.NOT_FOUND,
                    Status.UNAVAILABLE,
                    Status.INTERNAL,
                    Status.DEADLINE_EXCEEDED,
                    Status.INVALID_ARGUMENT,
                    Status.RESOURCE_EXHAUSTED
                }) {
            assertThat(RequestMetrics.statusCode(s)).as("%s", s.getCode()).isEqualTo("error");
        }
    }

    @Test
    void recordsAHistogramPerOperationAndStatus() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestMetrics m =
                new RequestMetrics(
                        registry,
                        "loki_bigtable_request_duration_seconds",
                        BigtableConfig.GrpcOptions.DEFAULT);
        m.record("/google.bigtable.v2.Bigtable/ReadRows", "2xx", TimeUnit.MILLISECONDS.toNanos(3));
        m.record(
                "/google.bigtable.v2.Bigtable/ReadRows", "2xx", TimeUnit.MILLISECONDS.toNanos(100));
        m.record(
                "/google.bigtable.v2.Bigtable/ReadRows",
                "cancel",
                TimeUnit.MILLISECONDS.toNanos(1));
        Timer ok =
                registry.get("loki_bigtable_request_duration_seconds")
                        .tags(
                                "operation",
                                "/google.bigtable.v2.Bigtable/ReadRows",
                                "status_code",
                                "2xx")
                        .timer();
        assertThat(ok.count()).isEqualTo(2);
        CountAtBucket[] buckets = ok.takeSnapshot().histogramCounts();
        assertThat(Arrays.stream(buckets).mapToDouble(b -> b.bucket(TimeUnit.SECONDS)))
                .containsExactly(0.001, 0.004, 0.016, 0.064, 0.256, 1.024, 4.096, 16.384, 65.536);
        assertThat(buckets[1].count()).as("<= 4ms").isEqualTo(1);
        assertThat(buckets[4].count()).as("<= 256ms").isEqualTo(2);
        assertThat(
                        registry.get("loki_bigtable_request_duration_seconds")
                                .tag("status_code", "cancel")
                                .timer()
                                .count())
                .isEqualTo(1);
    }
}
