package io.chunkstore.loki.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-query limits, named as Loki's {@code limits_config} names them (grafana/loki {@code
 * pkg/validation/limits.go}): each refusal names the limit it hit.
 *
 * @param queryTimeout Loki's {@code query_timeout}: a query running longer stops with an error
 * @param maxQuerySeries Loki's {@code max_query_series}: series in a metric result
 * @param maxQueryBytesRead Loki's {@code max_query_bytes_read}: uncompressed line bytes a query may
 *     scan (0 = no limit)
 * @param maxSamplesInMemory chunkstore's {@code max_samples_in_memory}: samples a metric query
 *     holds at once in its range windows
 * @param maxPointsPerSeries Loki's 11,000 points per series of a range query
 */
public record QueryLimits(
        Duration queryTimeout,
        int maxQuerySeries,
        long maxQueryBytesRead,
        long maxSamplesInMemory,
        int maxPointsPerSeries) {
    /** Loki's defaults: 1m, 500 series, no bytes limit; 10M samples; 11,000 points. */
    public static final QueryLimits DEFAULT =
            new QueryLimits(Duration.ofMinutes(1), 500, 0, 10_000_000L, 11_000);

    public QueryLimits {
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("query_timeout must be positive");
        }
        if (maxQuerySeries < 1
                || maxSamplesInMemory < 1
                || maxPointsPerSeries < 1
                || maxQueryBytesRead < 0) {
            throw new IllegalArgumentException("query limits must be positive");
        }
    }

    /**
     * The limits a limits block sets ({@code limits_config:} in Loki): {@code query_timeout},
     * {@code max_query_series}, {@code max_query_bytes_read}; the others keep their defaults.
     */
    public static QueryLimits of(io.chunkstore.core.config.LimitsConfig config) {
        return DEFAULT.withQueryTimeout(config.queryTimeout())
                .withMaxQuerySeries(config.maxQuerySeries())
                .withMaxQueryBytesRead(config.maxQueryBytesRead());
    }

    /** With another time-out. */
    public QueryLimits withQueryTimeout(Duration d) {
        return new QueryLimits(
                d, maxQuerySeries, maxQueryBytesRead, maxSamplesInMemory, maxPointsPerSeries);
    }

    /** With another series limit. */
    public QueryLimits withMaxQuerySeries(int n) {
        return new QueryLimits(
                queryTimeout, n, maxQueryBytesRead, maxSamplesInMemory, maxPointsPerSeries);
    }

    /** With another bytes limit. */
    public QueryLimits withMaxQueryBytesRead(long n) {
        return new QueryLimits(
                queryTimeout, maxQuerySeries, n, maxSamplesInMemory, maxPointsPerSeries);
    }

    /** With another sample limit. */
    public QueryLimits withMaxSamplesInMemory(long n) {
        return new QueryLimits(
                queryTimeout, maxQuerySeries, maxQueryBytesRead, n, maxPointsPerSeries);
    }
}
