package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestDurationsTest {
    @Test
    void bucketsAreCortexsExponentialBuckets() {
        assertThat(
                        Arrays.stream(RequestDurations.cortexBuckets())
                                .mapToDouble(d -> d.toNanos() / 1e9)
                                .toArray())
                .containsExactly(0.001, 0.004, 0.016, 0.064, 0.256, 1.024, 4.096, 16.384, 65.536);
    }

    @Test
    void oneTimerPerOperationAndStatus() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestDurations d =
                new RequestDurations(registry, "cortex_x_request_duration_seconds", "help");
        d.record("GET", "200", TimeUnit.MILLISECONDS.toNanos(3));
        d.record("GET", "200", TimeUnit.MILLISECONDS.toNanos(30));
        d.record("GET", "500", 1);
        Timer ok =
                registry.get("cortex_x_request_duration_seconds")
                        .tags("operation", "GET", "status_code", "200")
                        .timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(ok.takeSnapshot().histogramCounts()).hasSize(9);
        assertThat(ok.takeSnapshot().histogramCounts()[1].count()).isEqualTo(1); // 3 ms <= 4 ms
        assertThat(
                        registry.get("cortex_x_request_duration_seconds")
                                .tags("status_code", "500")
                                .timer()
                                .count())
                .isEqualTo(1);
    }
}
