package io.chunkstore.cassandra;

import io.chunkstore.spi.support.RequestDurations;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Cortex's {@code cassandra_request_duration_seconds{operation,status_code}}: a histogram of
 * statement latencies with buckets 0.001·4ⁿ seconds (n = 0..8), {@code operation} the first word of
 * the CQL text ({@code SELECT}, {@code INSERT}, {@code DELETE}, {@code CREATE}, {@code DROP}) and
 * {@code status_code} {@code 200} or {@code 500}. Every attempt of a statement is one observation,
 * as with gocql's query observer.
 */
final class RequestMetrics {
    static final String NAME = "cassandra_request_duration_seconds";

    private final RequestDurations durations;

    RequestMetrics(MeterRegistry registry, String metricName) {
        this.durations =
                new RequestDurations(registry, metricName, "Time spent doing Cassandra requests.");
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
        durations.record(operation(cql), ok ? "200" : "500", nanos);
    }
}
