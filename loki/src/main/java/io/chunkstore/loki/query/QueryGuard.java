package io.chunkstore.loki.query;

/**
 * One query's deadline, cancellation and bytes budget, checked by the iterators as they read: a
 * query past Loki's {@code query_timeout}, cancelled (its HTTP client went away), or past {@code
 * max_query_bytes_read} stops with a {@link QueryLimitException}, and closing its iterators stops
 * the store reads. Thread-safe.
 */
public final class QueryGuard {
    private final QueryLimits limits;
    private final long deadlineNanos;
    private volatile String cancelled;

    /** A guard whose clock starts now. */
    public QueryGuard(QueryLimits limits) {
        this.limits = limits;
        this.deadlineNanos = System.nanoTime() + limits.queryTimeout().toNanos();
    }

    /** A guard with no deadline in practice, for tests and the cli. */
    public static QueryGuard unlimited() {
        return new QueryGuard(
                QueryLimits.DEFAULT.withQueryTimeout(java.time.Duration.ofDays(3650)));
    }

    /** The limits. */
    public QueryLimits limits() {
        return limits;
    }

    /** Stops the query at its next check. */
    public void cancel(String why) {
        cancelled = why;
    }

    /** Throws when the query read more bytes than {@code max_query_bytes_read}. */
    public void checkBytes(QueryStats stats) {
        if (limits.maxQueryBytesRead() > 0 && stats.bytesScanned() > limits.maxQueryBytesRead()) {
            check(stats);
        }
    }

    /**
     * Throws when the query must stop.
     *
     * @param stats the query's counters, for the bytes limit (may be null)
     */
    public void check(QueryStats stats) {
        String c = cancelled;
        if (c != null) {
            throw new QueryLimitException("query cancelled: " + c, true);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new QueryLimitException(
                    "query timed out after "
                            + LokiTimes.goDuration(limits.queryTimeout())
                            + " (query_timeout); narrow the time range or the stream selector",
                    true);
        }
        if (stats != null
                && limits.maxQueryBytesRead() > 0
                && stats.bytesScanned() > limits.maxQueryBytesRead()) {
            throw new QueryLimitException(
                    "the query would read more than "
                            + limits.maxQueryBytesRead()
                            + " bytes (max_query_bytes_read); narrow the time range or the stream"
                            + " selector",
                    false);
        }
    }
}
