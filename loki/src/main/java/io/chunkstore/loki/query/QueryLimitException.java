package io.chunkstore.loki.query;

import io.chunkstore.spi.InvalidQueryException;

/**
 * A query refused or stopped by one of its {@link QueryLimits}; the message names the limit and its
 * value. The HTTP API answers 400 ({@link #timedOut()}: 504, as Loki answers a query that ran past
 * {@code query_timeout}).
 */
public class QueryLimitException extends InvalidQueryException {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    /** A limit hit. */
    public QueryLimitException(String message, boolean timedOut) {
        super(message);
        this.timedOut = timedOut;
    }

    /** Whether the query ran out of time (or was cancelled). */
    public boolean timedOut() {
        return timedOut;
    }
}
