package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    @Test
    void bucketsAreCortexsExponentialBuckets() {
        assertThat(
                        Arrays.stream(io.chunkstore.spi.support.RequestDurations.cortexBuckets())
                                .mapToDouble(d -> d.toNanos() / 1e9)
                                .toArray())
                .containsExactly(0.001, 0.004, 0.016, 0.064, 0.256, 1.024, 4.096, 16.384, 65.536);
    }

    @Test
    void operationIsTheFirstCqlWord() {
        assertThat(RequestMetrics.operation("SELECT range, value FROM t")).isEqualTo("SELECT");
        assertThat(RequestMetrics.operation("  insert INTO t")).isEqualTo("INSERT");
        assertThat(RequestMetrics.operation("CREATE TABLE IF NOT EXISTS t")).isEqualTo("CREATE");
        assertThat(RequestMetrics.operation("DROP TABLE IF EXISTS t")).isEqualTo("DROP");
    }

    @Test
    void recordsByOperationAndStatus() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestMetrics m = new RequestMetrics(registry, "loki_cassandra_request_duration_seconds");
        m.record("SELECT x", Duration.ofMillis(3).toNanos(), true);
        m.record("SELECT y", Duration.ofMillis(20).toNanos(), true);
        m.record("INSERT z", Duration.ofMillis(1).toNanos(), false);
        Timer ok =
                registry.get("loki_cassandra_request_duration_seconds")
                        .tags("operation", "SELECT", "status_code", "200")
                        .timer();
        assertThat(ok.count()).isEqualTo(2);
        CountAtBucket[] buckets = ok.takeSnapshot().histogramCounts();
        assertThat(buckets).hasSize(9);
        // Cumulative counts, as Prometheus exposes them: 3ms falls in le=0.004, 20ms in le=0.064.
        assertThat(buckets[0].bucket(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(0.001);
        assertThat(buckets[0].count()).isZero();
        assertThat(buckets[1].count()).isEqualTo(1);
        assertThat(buckets[2].count()).isEqualTo(1);
        assertThat(buckets[3].count()).isEqualTo(2);
        assertThat(buckets[8].count()).isEqualTo(2);
        Timer failed =
                registry.get("loki_cassandra_request_duration_seconds")
                        .tags("operation", "INSERT", "status_code", "500")
                        .timer();
        assertThat(failed.count()).isEqualTo(1);
    }
}
