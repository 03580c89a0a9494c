package io.chunkstore.core.config;

import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.time.Duration;
import java.util.Map;

/**
 * The keys chunkstore reads of the limits block ({@code limits:} in Cortex, {@code limits_config:}
 * in Loki). The block's other keys configure Cortex and Loki components chunkstore does not run
 * (ingestion limits and the like) and are accepted unread; a key so close to one of these that it
 * must be a misspelling ({@code max_query_lenght}) is refused ({@link ConfigBinder#bindShared}).
 *
 * @param maxQueryLength {@code max_query_length}
 * @param maxChunksPerQuery {@code max_chunks_per_query}
 * @param cardinalityLimit {@code cardinality_limit}
 * @param queryTimeout Loki's {@code query_timeout}: how long one LogQL query may run
 * @param maxQuerySeries Loki's {@code max_query_series}: series in one metric query's result
 * @param maxQueryBytesRead Loki's {@code max_query_bytes_read}: log line bytes one query may read
 */
public record LimitsConfig(
        @ConfigKey(
                        value = "max_query_length",
                        doc =
                                "Longest span (through - from) a query may cover; 0 turns the"
                                        + " check off.")
                Duration maxQueryLength,
        @ConfigKey(
                        value = "max_chunks_per_query",
                        dflt = "2000000",
                        min = 0,
                        doc = "Most chunks one query may" + " fetch; 0 turns the check off.")
                int maxChunksPerQuery,
        @ConfigKey(
                        value = "cardinality_limit",
                        dflt = "100000",
                        min = 0,
                        doc =
                                "Index rows with more entries than"
                                        + " this fail the query (with an index cache); 0 turns the check off.")
                int cardinalityLimit,
        @ConfigKey(
                        value = "query_timeout",
                        dflt = "1m",
                        doc =
                                "How long one LogQL query on serve's Loki API may run before it"
                                        + " stops with a 504 (grafana/loki pkg/validation/limits.go);"
                                        + " serve's --query-timeout caps it.")
                Duration queryTimeout,
        @ConfigKey(
                        value = "max_query_series",
                        dflt = "500",
                        min = 1,
                        doc = "Most series one LogQL metric query may return.")
                int maxQuerySeries,
        @ConfigKey(
                        value = "max_query_bytes_read",
                        dflt = "0",
                        min = 0,
                        bytes = true,
                        doc =
                                "Most bytes of log lines one LogQL query may read; 0 turns the"
                                        + " check off.")
                long maxQueryBytesRead) {

    public LimitsConfig {
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "query_timeout must be positive, got " + Durations.format(queryTimeout));
        }
    }

    /** Binds a limits block; {@code path} is its key ({@code limits}, {@code limits_config}). */
    public static LimitsConfig bind(Map<String, Object> block, String path) {
        return ConfigBinder.bindShared(LimitsConfig.class, block, path);
    }
}
