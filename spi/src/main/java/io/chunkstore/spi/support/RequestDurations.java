package io.chunkstore.spi.support;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The request-duration histogram every Cortex and Loki store exports ({@code
 * cassandra_request_duration_seconds}, {@code bigtable_…}, {@code dynamo_…}, {@code s3_…}, …):
 * labels {@code operation} and {@code status_code}, buckets {@code ExponentialBuckets(0.001, 4, 9)}
 * seconds, so existing dashboards keep working. Each backend decides what its labels say; this
 * class only owns the histogram. Thread-safe.
 */
public final class RequestDurations {
    private static final Duration[] CORTEX_BUCKETS = exponentialBuckets(Duration.ofMillis(1), 4, 9);

    /**
     * Cortex's {@code prometheus.ExponentialBuckets(0.001, 4, 9)}: 1 ms, 4 ms, 16 ms, … 65.536 s (a
     * copy).
     */
    public static Duration[] cortexBuckets() {
        return CORTEX_BUCKETS.clone();
    }

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /**
     * @param name the full metric name, namespace included (e.g. {@code
     *     cortex_cassandra_request_duration_seconds})
     * @param description the help text
     */
    public RequestDurations(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    /** {@code count} buckets starting at {@code start}, each {@code factor} times the previous. */
    public static Duration[] exponentialBuckets(Duration start, long factor, int count) {
        Duration[] b = new Duration[count];
        long nanos = start.toNanos();
        for (int i = 0; i < count; i++) {
            b[i] = Duration.ofNanos(nanos);
            nanos *= factor;
        }
        return b;
    }

    public void record(String operation, String statusCode, long nanos) {
        timer(operation, statusCode).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the time since {@code startNanos} (a {@link System#nanoTime()} reading). */
    public void recordSince(String operation, String statusCode, long startNanos) {
        record(operation, statusCode, System.nanoTime() - startNanos);
    }

    /** The timer of one label pair, registered on first use. */
    public Timer timer(String operation, String statusCode) {
        return timers.computeIfAbsent(
                operation + '\u0000' + statusCode,
                k ->
                        Timer.builder(name)
                                .description(description)
                                .tag("operation", operation)
                                .tag("status_code", statusCode)
                                .serviceLevelObjectives(CORTEX_BUCKETS)
                                .register(registry));
    }

    /** The full metric name. */
    public String name() {
        return name;
    }
}
