package io.chunkstore.cassandra;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cortex's {@code cassandra_request_duration_seconds{operation,status_code}}: a histogram of statement latencies
 * with buckets 0.001·4ⁿ seconds (n = 0..8), {@code operation} the first word of the CQL text ({@code SELECT},
 * {@code INSERT}, {@code DELETE}, {@code CREATE}, {@code DROP}) and {@code status_code} {@code 200} or {@code 500}.
 * Every attempt of a statement is one observation, as with gocql's query observer.
 */
final class RequestMetrics {
    static final String NAME = "cassandra_request_duration_seconds";
    /** {@code ExponentialBuckets(0.001, 4, 9)}. */
    static final Duration[] BUCKETS = buckets();

    private final MeterRegistry registry;
    private final String name;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry, String metricName) {
        this.registry = registry;
        this.name = metricName;
    }

    private static Duration[] buckets() {
        Duration[] b = new Duration[9];
        long micros = 1000;
        for (int i = 0; i < b.length; i++) {
            b[i] = Duration.ofNanos(micros * 1000);
            micros *= 4;
        }
        return b;
    }

    /** The {@code operation} label of a statement: its first word, upper case. */
    static String operation(String cql) {
        String t = cql.stripLeading();
        int end = 0;
        while (end < t.length() && Character.isLetter(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end).toUpperCase(Locale.ROOT);
    }

    void record(String cql, long nanos, boolean ok) {
        String op = operation(cql);
        String status = ok ? "200" : "500";
        timers.computeIfAbsent(op + " " + status, k -> Timer.builder(name)
                .description("Time spent doing Cassandra requests.")
                .tag("operation", op)
                .tag("status_code", status)
                .serviceLevelObjectives(BUCKETS)
                .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
